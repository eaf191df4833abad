import type { LinkView } from '../../accounts/link-landing.js';
import { CSRF_FIELD } from './csrf.js';
import { escapeHtml } from './render.js';
import { baseCss } from './styles.js';

const ACCENT = '#3559e0';

const LANDING_CSS = `
  main { text-align: left; }
  .eyebrow { text-transform: uppercase; letter-spacing: .08em; font-size: .72rem; font-weight: 600; color: ${ACCENT}; margin: 0 0 .5rem; }
  h1 { font-size: 1.3rem; line-height: 1.35; }
  .who { margin: 1.25rem 0; padding: .75rem 1rem; background: #f5f7ff; border: 1px solid #dfe5fb; border-radius: 10px; font-size: .9rem; color: #344054; }
  .who code { font: 600 .9rem ui-monospace, SFMono-Regular, Menlo, monospace; color: #1d2433; word-break: break-all; }
  h2 { font-size: .8rem; text-transform: uppercase; letter-spacing: .06em; color: #667085; margin: 1.25rem 0 .5rem; }
  ul { list-style: none; margin: 0; padding: 0; border: 1px solid #eaecf0; border-radius: 10px; }
  li { padding: .6rem .9rem; border-top: 1px solid #eaecf0; font-size: .9rem; color: #344054; }
  li:first-child { border-top: 0; }
  li code { display: block; font: 600 .8rem ui-monospace, SFMono-Regular, Menlo, monospace; color: #1d2433; }
  .note { margin-top: 1rem; font-size: .88rem; color: #475467; }
  .note.warn { color: #93370d; background: #fffaeb; border: 1px solid #fedf89; border-radius: 10px; padding: .6rem .9rem; }
  .error { margin: 1rem 0 0; padding: .6rem .9rem; border-radius: 10px; background: #fef3f2; border: 1px solid #fecdca; color: #b42318; font-size: .9rem; }
  label { display: block; margin-top: 1rem; font-weight: 600; font-size: .9rem; }
  input[type=text], input[type=password] { display: block; width: 100%; box-sizing: border-box; margin-top: .35rem; padding: .6rem .75rem;
          border: 1px solid #d0d5dd; border-radius: 8px; font: inherit; }
  .help { display: block; font-weight: 400; color: #667085; font-size: .8rem; margin-top: .25rem; }
  button { margin-top: 1.5rem; width: 100%; padding: .75rem 1rem; border: 0; border-radius: 10px; background: ${ACCENT};
           color: #fff; font: 600 1rem system-ui, sans-serif; cursor: pointer; }
  small { text-align: center; }
  footer { text-align: center; }`;

function scopeList(view: LinkView): string {
  if (view.kind !== 'oauth' || view.scopes.length === 0) return '';
  const items = view.scopes
    .map(
      (s) => `<li><code>${escapeHtml(s.name)}</code>${s.description ? escapeHtml(s.description) : ''}</li>`,
    )
    .join('');
  return `<h2>It asks for</h2><ul id="scopes">${items}</ul>`;
}

function credentialInputs(view: LinkView): string {
  return view.fields
    .map(
      (f) =>
        `<label for="f_${escapeHtml(f.key)}">${escapeHtml(f.label)}` +
        `${f.help ? `<span class="help">${escapeHtml(f.help)}</span>` : ''}` +
        `<input id="f_${escapeHtml(f.key)}" name="${escapeHtml(f.key)}" type="${f.secret ? 'password' : 'text'}" ` +
        'autocomplete="off" spellcheck="false" required></label>',
    )
    .join('');
}

/**
 * The page a link opens: who asks (the API client's name), for which provider and scopes, on
 * behalf of which identifier — and a Continue button (a POST carrying the CSRF value). Opening it
 * changes nothing; only Continue consumes the link. Static-credential connections show the
 * provider's credential fields instead of scopes.
 */
export function renderLandingPage(view: LinkView, token: string, csrf: string, error?: string): string {
  const app = view.appName ? escapeHtml(view.appName) : 'An application';
  const provider = escapeHtml(view.providerName);
  const oauth = view.kind === 'oauth';
  const label = view.fields[0]?.label ?? '';
  // "Access token" → "access token", but "API key" stays.
  const noun = /^[A-Z][a-z]/.test(label) ? label.charAt(0).toLowerCase() + label.slice(1) : label;
  const only = view.fields.length === 1 ? noun : 'credentials';
  const heading = oauth
    ? `${app} wants to connect to your ${provider} account`
    : `${app} asks for your ${provider} ${escapeHtml(only)}`;
  const lead = oauth
    ? `You will sign in at ${provider} and choose what to allow. ${app} can then act on your account through Latchkey; it never sees your password.`
    : `They are stored encrypted by Latchkey and used only for requests ${app} makes on your behalf.`;
  const notes = [
    view.reauthorization
      ? '<p class="note warn">This account is already connected. Continuing replaces the current authorization.</p>'
      : '',
    view.verification
      ? `<p class="note">Afterwards you return to ${app}, which confirms that it is you.</p>`
      : '',
    error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : '',
  ].join('');
  const expires = new Date(view.expiresAt).toISOString().replace('T', ' ').slice(0, 16);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Connect ${provider} – Latchkey</title>
<style>${baseCss(ACCENT)}${LANDING_CSS}
</style>
</head>
<body>
<main role="main" data-page="landing" data-kind="${view.kind}">
  <p class="eyebrow">Connect your account</p>
  <h1>${heading}</h1>
  <p>${lead}</p>
  <p class="who">Requested for <code id="identifier">${escapeHtml(view.identifier)}</code><br>Continue only if this is you.</p>
  ${scopeList(view)}
  ${notes}
  <form method="post" action="/connect/${escapeHtml(token)}" autocomplete="off">
    <input type="hidden" name="${CSRF_FIELD}" value="${escapeHtml(csrf)}">
    ${oauth ? '' : credentialInputs(view)}
    <button id="continue" type="submit">${oauth ? `Continue to ${provider}` : 'Connect'}</button>
  </form>
  <small>This link works once and expires at ${expires} UTC. Not expecting it? Close this page — nothing happens unless you continue.</small>
  <footer>Secured by Latchkey</footer>
</main>
</body>
</html>`;
}
