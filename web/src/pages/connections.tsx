import { useState } from 'preact/hooks';
import { del, get, patch } from '../api';
import { Table, wide } from '../components/table';
import { Badge, Confirm, Notice, PageHead, useLoad } from '../components/ui';
import { CatalogDialog } from './catalog-dialog';
import { ConfigureDialog } from './configure-dialog';
import { TestDialog } from './test-dialog';
import type { ConnectionView, Provider } from './types';

/** Connections: the list, with configure, test, enable/disable and delete; "+ Create Connection" opens the catalog. */
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
      <Table
        columns={['Name', wide('Provider'), 'Status', wide('Scopes')]}
        actions
        empty={
          list.data &&
          connections.length === 0 &&
          'No connections yet. Create one to let your app act on a provider.'
        }
      >
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
                <button type="button" onClick={() => setTesting(c)} disabled={!c.configured || !c.enabled}>
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
      </Table>

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
