import { type AuthorizationFlow, COOKIE_PATH, cookieNameFor } from '../../accounts/authorization-flow.js';
import type { LinkLanding } from '../../accounts/link-landing.js';
import { AppError, isAppError, toAppError } from '../../errors/index.js';
import { readForm } from '../../http/body.js';
import { parseCookies, serializeCookie } from '../../http/cookies.js';
import { sendHtml } from '../../http/respond.js';
import type { HttpRequest, HttpResponse, RouteHandler } from '../../http/types.js';
import type { Logger } from '../../log/logger.js';
import { serviceName } from '../../providers/display.js';
import { getProvider, listProviders } from '../../providers/index.js';
import { describeDatabaseError } from '../../store/index.js';
import { CSRF_FIELD, checkCsrf, clearCsrf, issueCsrf } from './csrf.js';
import { renderLandingPage } from './landing-page.js';
import { errorPage, successPage } from './outcomes.js';
import { renderPage } from './render.js';

interface Router {
  add(method: string, pattern: string, handler: RouteHandler): void;
}

const FORM_LIMIT_BYTES = 32 * 1024;

function redirect(res: HttpResponse, status: 302 | 303, location: string, cookies: string[]): void {
  res.writeHead(status, {
    location,
    'set-cookie': cookies,
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
  });
  res.end();
}

/**
 * End-user pages: a link's landing page (GET — reads only, so unfurlers and mail scanners burn
 * nothing), Continue (POST, CSRF-checked — consumes the link: on to the provider, or the hosted
 * credential form's submission), the provider's redirect back, and the page after verification.
 */
export function createPageRoutes(deps: {
  flow: AuthorizationFlow;
  landing: LinkLanding;
  secureCookies: boolean;
  log: Logger;
}) {
  const { flow, landing, log } = deps;

  function fail(res: HttpResponse, err: unknown, extraHeaders: Record<string, string | string[]> = {}) {
    const appErr = toAppError(err);
    if (appErr.code === 'INTERNAL') log.error({ err: appErr.cause }, 'authorization page failed');
    else if (appErr.code === 'DATABASE_UNAVAILABLE')
      log.warn(
        { code: appErr.code, cause: describeDatabaseError(appErr) },
        'authorization page: database unavailable',
      );
    else log.warn({ code: appErr.code }, 'authorization ended on an error page');
    // A transient failure (503) says when to retry; the page itself asks the user to try again.
    const retry = appErr.retryAfterSec === undefined ? {} : { 'retry-after': String(appErr.retryAfterSec) };
    sendHtml(res, appErr.httpStatus, renderPage(errorPage(appErr.code)), { ...extraHeaders, ...retry });
  }

  async function showLanding(res: HttpResponse, token: string, status = 200, error?: string) {
    const view = await landing.describe(token);
    const csrf = issueCsrf(token, deps.secureCookies);
    const html = renderLandingPage(view, token, csrf.value, error);
    sendHtml(res, status, html, { 'set-cookie': [csrf.setCookie] }, view.formTargets);
  }

  const openLink: RouteHandler = async (_req, res, params) => {
    try {
      await showLanding(res, params.token ?? '');
    } catch (err) {
      fail(res, err);
    }
  };

  const continueLink: RouteHandler = async (req, res, params) => {
    const token = params.token ?? '';
    try {
      const form = await readForm(req, FORM_LIMIT_BYTES);
      if (!checkCsrf(req, token, form.get(CSRF_FIELD) ?? undefined)) throw new AppError('LINK_FORM_INVALID');
      const view = await landing.describe(token);
      if (view.kind === 'oauth') {
        const started = await flow.start(token);
        const cookie = serializeCookie(started.cookie.name, started.cookie.value, {
          maxAgeSec: started.cookie.maxAgeSec,
          path: started.cookie.path,
          secure: started.cookie.secure,
        });
        return redirect(res, 303, started.redirectUrl, [cookie, clearCsrf(token)]);
      }
      const fields: Record<string, string> = {};
      for (const [key, value] of form) if (key !== CSRF_FIELD) fields[key] = value;
      let done: Awaited<ReturnType<LinkLanding['submitCredentials']>>;
      try {
        done = await landing.submitCredentials(token, fields);
      } catch (err) {
        // A bad submission leaves the link usable: show the form again with what is wrong.
        if (isAppError(err) && err.code === 'INVALID_ARGUMENT') {
          return await showLanding(
            res,
            token,
            400,
            'Please fill in every field (no line breaks or control characters).',
          );
        }
        throw err;
      }
      if (done.redirectTo) return redirect(res, 303, done.redirectTo, [clearCsrf(token)]);
      sendHtml(res, 200, renderPage(successPage(done.providerName)), { 'set-cookie': [clearCsrf(token)] });
    } catch (err) {
      fail(res, err);
    }
  };

  const callback: RouteHandler = async (req: HttpRequest, res, params) => {
    const query = new URL(req.url ?? '/', 'http://callback.invalid').searchParams;
    const cookies = parseCookies(req.headers.cookie);
    const state = query.get('state');
    // The browser-binding cookie is single use: clear it whatever the outcome.
    const clear =
      state && state.length <= 1024
        ? [serializeCookie(cookieNameFor(state), '', { maxAgeSec: 0, path: COOKIE_PATH })]
        : [];
    try {
      const { connection, redirectTo } = await flow.callback(params.connectionId ?? '', query, cookies);
      if (redirectTo) return redirect(res, 302, redirectTo, clear);
      const page = successPage(serviceName(getProvider(connection.provider), connection));
      sendHtml(res, 200, renderPage(page), { 'set-cookie': clear });
    } catch (err) {
      fail(res, err, { 'set-cookie': clear });
    }
  };

  /** Where VerifyConnectedAccountUser sends the user (post_user_verify_redirect_url). */
  const verified: RouteHandler = async (req, res) => {
    const key = new URL(req.url ?? '/', 'http://verified.invalid').searchParams.get('provider');
    const provider = listProviders().find((p) => p.key === key);
    sendHtml(res, 200, renderPage(successPage(provider?.displayName ?? 'Your account')));
  };

  return {
    register(router: Router) {
      router.add('GET', '/connect/verified', verified);
      router.add('GET', '/connect/:token', openLink);
      router.add('POST', '/connect/:token', continueLink);
      router.add('GET', '/sso/v1/oauth/:connectionId/callback', callback);
    },
  };
}
