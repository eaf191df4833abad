import { useState } from 'preact/hooks';
import { ApiError, del, get, patch, post } from '../api';
import { Badge, Confirm, Dialog, Notice, PageHead, useLoad } from '../components/ui';
import { ConfigureDialog } from './configure-dialog';
import { TestDialog } from './test-dialog';
import type { ConnectionView, Provider } from './types';

const AUTH_LABELS: Record<string, string> = {
  oauth2: 'OAuth 2.0',
  api_key: 'user-entered API key',
  bearer: 'user-entered token',
  basic: 'user-entered username + password',
};
const authLabel = (p: Provider) => AUTH_LABELS[p.authType] ?? p.authType;

/** "+ Create Connection": the provider catalog with search; Create makes the connection and opens its settings. */
function CatalogDialog(props: {
  providers: Provider[];
  taken: string[];
  onClose: () => void;
  onCreated: (c: ConnectionView) => void;
}) {
  const [q, setQ] = useState('');
  const [error, setError] = useState<string>();
  const shown = props.providers.filter((p) =>
    `${p.displayName} ${p.key}`.toLowerCase().includes(q.trim().toLowerCase()),
  );
  const nameFor = (p: Provider) => {
    let name = p.key;
    for (let i = 2; props.taken.includes(name); i++) name = `${p.key}-${i}`;
    return name;
  };
  return (
    <Dialog
      id="catalog"
      title="Create connection"
      onClose={props.onClose}
      footer={
        <button type="button" onClick={props.onClose}>
          Cancel
        </button>
      }
    >
      <label for="provider-search">Search providers</label>
      <input
        id="provider-search"
        type="search"
        placeholder="e.g. Airtable"
        value={q}
        onInput={(e) => setQ(e.currentTarget.value)}
        autoFocus
      />
      {error && <Notice tone="error">{error}</Notice>}
      <ul class="grid" style="list-style:none;padding:0;margin-top:1rem" aria-label="Providers">
        {shown.map((p) => (
          <li class="card tile" style="margin:0" data-provider={p.key}>
            <div class="tile-head">
              <span class="logo" aria-hidden="true">
                {p.displayName.slice(0, 1)}
              </span>
              <strong>{p.displayName}</strong>
            </div>
            <span class="hint">
              {authLabel(p)} · <span class="mono">{p.key}</span>
            </span>
            <div>
              <button
                type="button"
                class="primary"
                aria-label={`Create ${p.displayName} connection (${authLabel(p)})`}
                onClick={async () => {
                  try {
                    const { connection } = await post<{ connection: ConnectionView }>('/connections', {
                      provider: p.key,
                      name: nameFor(p),
                    });
                    props.onCreated(connection);
                  } catch (e) {
                    setError(e instanceof ApiError ? e.message : String(e));
                  }
                }}
              >
                Create
              </button>
            </div>
          </li>
        ))}
        {shown.length === 0 && <li class="empty">No provider matches “{q}”.</li>}
      </ul>
    </Dialog>
  );
}

export function Connections() {
  const providers = useLoad(() => get<{ providers: Provider[] }>('/providers'));
  const list = useLoad(() => get<{ connections: ConnectionView[] }>('/connections'));
  const [catalog, setCatalog] = useState(false);
  const [configure, setConfigure] = useState<ConnectionView>();
  const [testing, setTesting] = useState<ConnectionView>();
  const [deleting, setDeleting] = useState<ConnectionView>();
  const [error, setError] = useState<string>();
  const byKey = new Map((providers.data?.providers ?? []).map((p) => [p.key, p]));
  const connections = list.data?.connections ?? [];

  return (
    <>
      <PageHead
        title="Connections"
        intro="Providers your app can act on for its users: OAuth clients and scopes."
      >
        <button type="button" class="primary" onClick={() => setCatalog(true)}>
          + Create Connection
        </button>
      </PageHead>
      {(error || list.error) && <Notice tone="error">{error ?? list.error}</Notice>}
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th class="hide-narrow">Provider</th>
              <th>Status</th>
              <th class="hide-narrow">Scopes</th>
              <th>
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {connections.map((c) => (
              <tr data-connection={c.name}>
                <td>
                  <strong>{c.name}</strong>
                  <div class="hint mono">{c.id}</div>
                </td>
                <td class="hide-narrow">{byKey.get(c.provider)?.displayName ?? c.provider}</td>
                <td>
                  {!c.configured ? (
                    <Badge tone="warn">Needs setup</Badge>
                  ) : c.enabled ? (
                    <Badge tone="ok">Enabled</Badge>
                  ) : (
                    <Badge tone="idle">Disabled</Badge>
                  )}
                </td>
                <td class="hide-narrow">{c.authType === 'oauth2' ? c.scopes.length : '—'}</td>
                <td>
                  <div class="actions">
                    <button type="button" onClick={() => setConfigure(c)}>
                      Configure
                    </button>
                    <button
                      type="button"
                      onClick={() => setTesting(c)}
                      disabled={!c.configured || !c.enabled}
                    >
                      Test
                    </button>
                    <button
                      type="button"
                      onClick={async () => {
                        try {
                          await patch(`/connections/${c.id}`, { enabled: !c.enabled });
                          list.reload();
                        } catch (e) {
                          setError((e as Error).message);
                        }
                      }}
                    >
                      {c.enabled ? 'Disable' : 'Enable'}
                    </button>
                    <button type="button" class="danger" onClick={() => setDeleting(c)}>
                      Delete
                    </button>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {list.data && connections.length === 0 && (
          <div class="empty">No connections yet. Create one to let your app act on a provider.</div>
        )}
      </div>

      {catalog && providers.data && (
        <CatalogDialog
          providers={providers.data.providers}
          taken={connections.map((c) => c.name)}
          onClose={() => setCatalog(false)}
          onCreated={(c) => {
            setCatalog(false);
            list.reload();
            setConfigure(c);
          }}
        />
      )}
      {configure && byKey.get(configure.provider) && (
        <ConfigureDialog
          connection={configure}
          provider={byKey.get(configure.provider)!}
          onClose={() => setConfigure(undefined)}
          onSaved={() => {
            setConfigure(undefined);
            list.reload();
          }}
        />
      )}
      {testing && <TestDialog connection={testing} onClose={() => setTesting(undefined)} />}
      {deleting && (
        <Confirm
          title={`Delete ${deleting.name}?`}
          message="Its connected accounts stop working and apps can no longer use this connection. This cannot be undone."
          action="Delete connection"
          onClose={() => setDeleting(undefined)}
          onConfirm={async () => {
            await del(`/connections/${deleting.id}`).catch((e: Error) => setError(e.message));
            list.reload();
          }}
        />
      )}
    </>
  );
}
