import { type AuthorizationFlow, COOKIE_PATH, cookieNameFor } from '../../accounts/authorization-flow.js';
import { toAppError } from '../../errors/index.js';
import { parseCookies, serializeCookie } from '../../http/cookies.js';
import { sendHtml } from '../../http/respond.js';
import type { HttpRequest, HttpResponse, RouteHandler } from '../../http/types.js';
import type { Logger } from '../../log/logger.js';
import { getProvider } from '../../providers/index.js';
import { describeDatabaseError } from '../../store/index.js';
import { errorPage, successPage } from './outcomes.js';
import { renderPage } from './render.js';

interface Router {
  add(method: string, pattern: string, handler: RouteHandler): void;
}

/** End-user pages: opening an authorization link, and the provider's redirect back. */
export function createPageRoutes(deps: { flow: AuthorizationFlow; log: Logger }) {
  const { flow, log } = deps;

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

  const openLink: RouteHandler = async (_req, res, params) => {
    try {
      const started = await flow.start(params.token ?? '');
      const cookie = serializeCookie(started.cookie.name, started.cookie.value, {
        maxAgeSec: started.cookie.maxAgeSec,
        path: started.cookie.path,
        secure: started.cookie.secure,
      });
      res.writeHead(302, {
        location: started.redirectUrl,
        'set-cookie': [cookie],
        'cache-control': 'no-store',
        'referrer-policy': 'no-referrer',
      });
      res.end();
    } catch (err) {
      fail(res, err);
    }
  };

  const callback: RouteHandler = async (req: HttpRequest, res, params) => {
    const query = new URL(req.url ?? '/', 'http://callback.invalid').searchParams;
    const cookies = parseCookies(req.headers.cookie);
    const state = query.get('state');
    // The browser-binding cookie is single use: clear it whatever the outcome.
    const clear: Record<string, string[]> =
      state && state.length <= 1024
        ? { 'set-cookie': [serializeCookie(cookieNameFor(state), '', { maxAgeSec: 0, path: COOKIE_PATH })] }
        : {};
    try {
      const { connection } = await flow.callback(params.connectionId ?? '', query, cookies);
      sendHtml(res, 200, renderPage(successPage(getProvider(connection.provider).displayName)), clear);
    } catch (err) {
      fail(res, err, clear);
    }
  };

  return {
    register(router: Router) {
      router.add('GET', '/connect/:token', openLink);
      router.add('GET', '/sso/v1/oauth/:connectionId/callback', callback);
    },
  };
}
