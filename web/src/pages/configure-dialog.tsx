import { useState } from 'preact/hooks';
import { patch } from '../api';
import { toggled } from '../components/check-list';
import { SearchBox, TextField } from '../components/fields';
import { FormDialog } from '../components/form-dialog';
import { CopyField, Notice } from '../components/ui';
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
  const fields: Array<[UrlField, string]> = oauth ? URL_FIELDS : [URL_FIELDS[2]!];
  const shownScopes = p.scopes.filter((s) =>
    `${s.name} ${s.description}`.toLowerCase().includes(filter.trim().toLowerCase()),
  );

  async function save() {
    const body: Record<string, unknown> = {};
    if (oauth) {
      body.clientId = clientId.trim();
      if (secret) body.clientSecret = secret;
      body.scopes = scopes;
    }
    for (const [f] of fields) body[f] = urls[f].trim() || null;
    await patch(`/connections/${c.id}`, body);
    props.onSaved();
  }

  return (
    <FormDialog
      id="configure"
      title={`Configure ${p.displayName} Connection`}
      submitLabel="Save"
      onClose={props.onClose}
      onSubmit={save}
      intro={
        <p class="hint">
          Connection <strong>{c.name}</strong> · <span class="mono">{c.id}</span>
        </p>
      }
    >
      {oauth ? (
        <>
          <CopyField
            id="redirect-uri"
            label="Redirect URI"
            value={c.redirectUri}
            hint={`register it in your ${p.displayName} OAuth app`}
          />
          <TextField id="client-id" label="Client ID" value={clientId} onValue={setClientId} required />
          <TextField
            id="client-secret"
            label="Client Secret"
            hint={`write-only${c.hasClientSecret ? '; leave blank to keep the saved one' : ''}`}
            type="password"
            autocomplete="off"
            placeholder={c.hasClientSecret ? '•••••••• saved' : ''}
            value={secret}
            onValue={setSecret}
          />
          {p.scopes.length > 0 ? (
            <fieldset style="border:0;padding:0;margin:0">
              <legend style="font-weight:600;font-size:.9rem;margin:.75rem 0 .3rem">
                Scopes <span class="hint">— {scopes.length} selected</span>
              </legend>
              <SearchBox
                label="Filter scopes"
                placeholder="Filter scopes"
                value={filter}
                onValue={setFilter}
                style="margin-bottom:.5rem"
              />
              <div class="scopes" id="scopes">
                {shownScopes.map((s) => (
                  <label class="scope">
                    <input
                      type="checkbox"
                      value={s.name}
                      checked={scopes.includes(s.name)}
                      onChange={(e) => setScopes((cur) => toggled(cur, s.name, e.currentTarget.checked))}
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
    </FormDialog>
  );
}
