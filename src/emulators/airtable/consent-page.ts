import type { EmulatorContext } from './context.js';
import { escapeHtml, renderPage } from './html.js';
import { describeScope } from './scopes.js';
import type { PendingRequest } from './state.js';

/** Form field names of the consent form (for tests and browser automation). */
export const CONSENT_FIELDS = {
  requestId: 'request_id',
  decision: 'decision',
  /** Repeated checkbox, one per base; only honoured when `baseSelection` is present. */
  base: 'base',
  /** Hidden marker: "the user saw the base checkboxes", so an empty selection means none. */
  baseSelection: 'base_selection',
} as const;

export const CONSENT_PATH = '/oauth2/v1/authorize/consent';

/** The consent screen: who is asking, for which scopes, on which bases. */
export function renderConsentPage(ctx: EmulatorContext, pending: PendingRequest): string {
  const app = escapeHtml(ctx.config.appName);
  const user = ctx.config.user;
  const scopes = pending.scopes
    .map((s) => `<li>${escapeHtml(describeScope(s))} <code>${escapeHtml(s)}</code></li>`)
    .join('\n');
  const bases = ctx.workspace
    .map((b) => {
      const id = `base-${escapeHtml(b.id)}`;
      const checked = b.grantedByDefault ? ' checked' : '';
      return `<li><input type="checkbox" id="${id}" name="${CONSENT_FIELDS.base}" value="${escapeHtml(b.id)}"${checked}>
<label for="${id}">${escapeHtml(b.name)}</label></li>`;
    })
    .join('\n');
  const body = `<h1>${app} wants to access your Airtable account</h1>
<p>Signed in as <strong>${escapeHtml(user.name ?? user.email)}</strong> (${escapeHtml(user.email)}).</p>
<form method="post" action="${CONSENT_PATH}">
<input type="hidden" name="${CONSENT_FIELDS.requestId}" value="${escapeHtml(pending.id)}">
<input type="hidden" name="${CONSENT_FIELDS.baseSelection}" value="1">
<h2 id="scopes-heading">${app} will be able to:</h2>
<ul aria-labelledby="scopes-heading">
${scopes}
</ul>
<fieldset>
<legend>Bases ${app} can access</legend>
<ul class="bases">
${bases}
</ul>
</fieldset>
<p>You will be redirected to <code>${escapeHtml(pending.redirectUri)}</code>.</p>
<div class="actions">
<button id="deny" name="${CONSENT_FIELDS.decision}" value="deny">Cancel</button>
<button id="approve" name="${CONSENT_FIELDS.decision}" value="approve">Grant access</button>
</div>
</form>`;
  return renderPage(`Authorize ${ctx.config.appName} – Airtable (emulator)`, body);
}
