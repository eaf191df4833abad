import { useState } from 'preact/hooks';
import { ApiError, patch } from '../api';
import { CopyField, Dialog, Notice } from '../components/ui';
import type { ConnectionView, Provider } from './types';

type UrlField = 'authorizeUrl' | 'tokenUrl' | 'apiBaseUrl';
const URL_FIELDS: Array<[UrlField, string]> = [
  ['authorizeUrl', 'Authorization URL'],
  ['tokenUrl', 'Token URL'],
  ['apiBaseUrl', 'API base URL'],
];

/** The "Configure connection" dialog: redirect URI to copy, client id + secret (write-only), scopes, URL overrides. */
export function ConfigureDialog(props: {
  connection: ConnectionView;
  provider: Provider;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { connection: c, provider: p } = props;
  const oauth = c.authType === 'oauth2';
  const [clientId, setClientId] = useState(c.clientId);
  const [secret, setSecret] = useState('');
  const [scopes, setScopes] = useState<string[]>(c.scopes);
  const [filter, setFilter] = useState('');
  const override = (f: UrlField) => (c[f] && c[f] !== p.defaults[f] ? c[f] : '');
  const [urls, setUrls] = useState<Record<UrlField, string>>({
    authorizeUrl: override('authorizeUrl'),
    tokenUrl: override('tokenUrl'),
    apiBaseUrl: override('apiBaseUrl'),
  });
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const fields: Array<[UrlField, string]> = oauth ? URL_FIELDS : [URL_FIELDS[2]!];
  const shownScopes = p.scopes.filter((s) =>
    `${s.name} ${s.description}`.toLowerCase().includes(filter.trim().toLowerCase()),
  );

  async function save(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    const body: Record<string, unknown> = {};
    if (oauth) {
      body.clientId = clientId.trim();
      if (secret) body.clientSecret = secret;
      body.scopes = scopes;
    }
    for (const [f] of fields) body[f] = urls[f].trim() || null;
    try {
      await patch(`/connections/${c.id}`, body);
      props.onSaved();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog
      id="configure"
      title={`Configure ${p.displayName} Connection`}
      onClose={props.onClose}
      footer={
        <>
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" form="configure-form" class="primary" disabled={busy}>
            Save
          </button>
        </>
      }
    >
      <form id="configure-form" onSubmit={save}>
        <p class="hint">
          Connection <strong>{c.name}</strong> · <span class="mono">{c.id}</span>
        </p>
        {error && <Notice tone="error">{error}</Notice>}
        {oauth ? (
          <>
            <CopyField
              id="redirect-uri"
              label="Redirect URI"
              value={c.redirectUri}
              hint={`register it in your ${p.displayName} OAuth app`}
            />
            <label for="client-id">Client ID</label>
            <input
              id="client-id"
              type="text"
              value={clientId}
              onInput={(e) => setClientId(e.currentTarget.value)}
              required
            />
            <label for="client-secret">
              Client Secret{' '}
              <span class="hint">
                — write-only{c.hasClientSecret ? '; leave blank to keep the saved one' : ''}
              </span>
            </label>
            <input
              id="client-secret"
              type="password"
              autocomplete="off"
              placeholder={c.hasClientSecret ? '•••••••• saved' : ''}
              value={secret}
              onInput={(e) => setSecret(e.currentTarget.value)}
            />
            {p.scopes.length > 0 ? (
              <fieldset style="border:0;padding:0;margin:0">
                <legend style="font-weight:600;font-size:.9rem;margin:.75rem 0 .3rem">
                  Scopes <span class="hint">— {scopes.length} selected</span>
                </legend>
                <input
                  type="search"
                  aria-label="Filter scopes"
                  placeholder="Filter scopes"
                  value={filter}
                  onInput={(e) => setFilter(e.currentTarget.value)}
                  style="margin-bottom:.5rem"
                />
                <div class="scopes" id="scopes">
                  {shownScopes.map((s) => (
                    <label class="scope">
                      <input
                        type="checkbox"
                        value={s.name}
                        checked={scopes.includes(s.name)}
                        onChange={(e) =>
                          setScopes((cur) =>
                            e.currentTarget.checked ? [...cur, s.name] : cur.filter((x) => x !== s.name),
                          )
                        }
                      />
                      <span>
                        <span class="mono">{s.name}</span>
                        {s.tier === 'enterprise' && <span class="hint"> · enterprise</span>}
                        <small>{s.description}</small>
                      </span>
                    </label>
                  ))}
                </div>
              </fieldset>
            ) : (
              <>
                <label for="scopes-text">Scopes</label>
                <input
                  id="scopes-text"
                  type="text"
                  value={scopes.join(' ')}
                  onInput={(e) => setScopes(e.currentTarget.value.split(/\s+/).filter(Boolean))}
                />
              </>
            )}
          </>
        ) : (
          <Notice tone="info">
            Users enter their own {c.authType.replace('_', ' ')} on Latchkey's hosted form.
          </Notice>
        )}
        <details>
          <summary>Advanced</summary>
          <p class="hint">
            Override the provider's endpoints (an emulator, a proxy, an enterprise host). Blank = default.
          </p>
          {fields.map(([f, label]) => (
            <>
              <label for={`url-${f}`}>{label}</label>
              <input
                id={`url-${f}`}
                type="url"
                placeholder={p.defaults[f] || 'required'}
                value={urls[f]}
                onInput={(e) => setUrls({ ...urls, [f]: e.currentTarget.value })}
              />
            </>
          ))}
        </details>
      </form>
    </Dialog>
  );
}
