import { useState } from 'preact/hooks';
import { errorText, post } from '../api';
import { Dialog, DialogButtons, Notice } from '../components/ui';
import type { ConnectionView, Provider } from './types';

const AUTH_LABELS: Record<string, string> = {
  oauth2: 'OAuth 2.0',
  api_key: 'user-entered API key',
  bearer: 'user-entered token',
  basic: 'user-entered username + password',
};
const authLabel = (p: Provider) => AUTH_LABELS[p.authType] ?? p.authType;

/** "+ Create Connection": the provider catalog with search; Create makes the connection and opens its settings. */
export function CatalogDialog(props: {
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
      footer={<DialogButtons onCancel={props.onClose} />}
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
                    setError(errorText(e));
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
