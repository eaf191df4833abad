import type { IncomingMessage, ServerResponse } from 'node:http';
import { approve, defaultBaseIds, redirectError } from './authorize.js';
import { CONSENT_FIELDS } from './consent-page.js';
import type { EmulatorContext } from './context.js';
import { sendErrorPage } from './html.js';
import { mediaType, readBody } from './http-util.js';

/**
 * POST /oauth2/v1/authorize/consent: the user's decision. The pending request is single use
 * and expires with the code TTL. Without the `base_selection` marker (a scripted POST that
 * sends only request_id + decision) the default bases are granted.
 */
export async function handleConsent(ctx: EmulatorContext, req: IncomingMessage, res: ServerResponse) {
  const body = await readBody(req);
  if (!body.ok) {
    sendErrorPage(res, body.reason === 'too_large' ? 413 : 400, 'Bad request', 'The form could not be read.');
    return;
  }
  if (mediaType(req) !== 'application/x-www-form-urlencoded') {
    sendErrorPage(res, 400, 'Bad request', 'The consent form must be submitted as a form.');
    return;
  }
  const form = new URLSearchParams(body.body.toString('utf8'));
  const decision = form.get(CONSENT_FIELDS.decision);
  if (decision !== 'approve' && decision !== 'deny') {
    sendErrorPage(res, 400, 'Bad request', 'Choose "Grant access" or "Cancel".');
    return;
  }
  const pending = ctx.state.takePending(form.get(CONSENT_FIELDS.requestId) ?? '');
  if (!pending) {
    sendErrorPage(
      res,
      400,
      'Authorization request expired',
      'This authorization request has expired or was already used. Start again from the application.',
    );
    return;
  }
  if (decision === 'deny') {
    redirectError(res, pending.redirectUri, 'access_denied', 'The user denied the request', pending.state);
    return;
  }
  const known = new Set(ctx.workspace.map((b) => b.id));
  const baseIds = form.has(CONSENT_FIELDS.baseSelection)
    ? [...new Set(form.getAll(CONSENT_FIELDS.base))].filter((id) => known.has(id))
    : defaultBaseIds(ctx);
  approve(ctx, res, pending, baseIds);
}
