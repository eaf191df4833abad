import { useState } from 'preact/hooks';
import { get, post } from '../api';
import { CheckList } from '../components/check-list';
import { TextField } from '../components/fields';
import { FormDialog } from '../components/form-dialog';
import { Table, wide } from '../components/table';
import { Badge, Confirm, CopyButton, Notice, PageHead, useLoad } from '../components/ui';
import { relative } from '../format';

interface Client {
  id: string;
  name: string;
  scopes: string[];
  connections: string[] | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

interface Created {
  client: Client;
  secret: string;
  env: string;
}

/** "Developers → Settings → API Credentials": the SDK's three variables. */
export function Credentials() {
  const list = useLoad(() =>
    get<{ clients: Client[]; scopes: string[]; defaultScopes: string[] }>('/clients'),
  );
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<Created>();
  const [revoking, setRevoking] = useState<Client>();
  const [error, setError] = useState<string>();
  const clients = list.data?.clients ?? [];

  return (
    <>
      <PageHead
        title="API credentials"
        intro="Your app's credentials for the Scalekit SDKs (SCALEKIT_ENV_URL, CLIENT_ID, CLIENT_SECRET)."
      >
        <button type="button" class="primary" onClick={() => setCreating(true)}>
          Create credentials
        </button>
      </PageHead>
      {error && <Notice tone="error">{error}</Notice>}
      {created && (
        <div class="card" id="created-credentials">
          <h2 style="margin-top:0">{created.client.name}: copy the secret now</h2>
          <p>
            The client secret is shown only once. Paste these lines into your app's environment (e.g. a .env
            file):
          </p>
          <pre class="env mono" id="env-lines">
            {created.env}
          </pre>
          <div class="actions">
            <CopyButton text={created.env} label="Copy env lines" id="copy-env" />
            <CopyButton text={created.secret} label="Copy secret" />
            <button type="button" onClick={() => setCreated(undefined)}>
              Done
            </button>
          </div>
        </div>
      )}
      <Table
        columns={['Name', wide('Client ID'), wide('Scopes'), 'Status', wide('Last used')]}
        actions
        empty={list.data && clients.length === 0 && 'No API credentials yet.'}
      >
        {clients.map((c) => (
          <tr data-client={c.id}>
            <td>
              <strong>{c.name}</strong>
              <div class="hint">created {relative(c.createdAt)}</div>
            </td>
            <td class="hide-narrow mono">{c.id}</td>
            <td class="hide-narrow">
              {c.scopes.join(' ')}
              {c.connections && <div class="hint">only {c.connections.join(', ')}</div>}
            </td>
            <td>{c.revokedAt ? <Badge tone="idle">Revoked</Badge> : <Badge tone="ok">Active</Badge>}</td>
            <td class="hide-narrow">{relative(c.lastUsedAt)}</td>
            <td>
              {!c.revokedAt && (
                <button type="button" class="danger" onClick={() => setRevoking(c)}>
                  Revoke
                </button>
              )}
            </td>
          </tr>
        ))}
      </Table>
      {creating && list.data && (
        <CreateDialog
          scopes={list.data.scopes}
          defaults={list.data.defaultScopes}
          onClose={() => setCreating(false)}
          onCreated={(c) => {
            setCreating(false);
            setCreated(c);
            list.reload();
          }}
        />
      )}
      {revoking && (
        <Confirm
          title={`Revoke ${revoking.name}?`}
          message="Apps using these credentials stop working at once (tokens already issued are refused too)."
          action="Revoke"
          onClose={() => setRevoking(undefined)}
          onConfirm={async () => {
            await post(`/clients/${revoking.id}/revoke`).catch((e: Error) => setError(e.message));
            list.reload();
          }}
        />
      )}
    </>
  );
}

function CreateDialog(props: {
  scopes: string[];
  defaults: string[];
  onClose: () => void;
  onCreated: (c: Created) => void;
}) {
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState(props.defaults);
  return (
    <FormDialog
      id="create-client"
      title="Create API credentials"
      submitLabel="Create"
      onClose={props.onClose}
      onSubmit={async () => props.onCreated(await post<Created>('/clients', { name, scopes }))}
    >
      <TextField
        id="client-name"
        label="Name"
        hint="shown to users on authorization pages"
        value={name}
        onValue={setName}
        required
      />
      <CheckList legend="Scopes" options={props.scopes} value={scopes} onChange={setScopes} />
    </FormDialog>
  );
}
