import { requireScope } from '../api/auth/scopes.js';
import { toAppError } from '../errors/index.js';
import { sendAppError } from '../http/respond.js';
import type { HttpRequest, HttpResponse } from '../http/types.js';
import { resolveEndpoints } from '../oauth/index.js';
import { getProvider } from '../providers/index.js';
import { staticAuthOf } from '../providers/static-auth.js';
import { PROXY_METHODS } from './header-policy.js';
import { createLastUsedRecorder } from './last-used.js';
import { createReauthThrottle } from './reauth-throttle.js';
import { buildTarget } from './steps/build-target.js';
import { checkMethod } from './steps/check-method.js';
import { watchClient } from './steps/client-abort.js';
import { parseTarget } from './steps/parse-target.js';
import { credentialFor } from './steps/provider-auth.js';
import { inspectBody, prepareBody } from './steps/request-body.js';
import { readAccountHeaders, selectAccount } from './steps/select-account.js';
import { sendUpstream, type UpstreamCall } from './steps/send-upstream.js';
import { streamResponse } from './steps/stream-response.js';
import type { ProxyDeps, ProxyHandler } from './types.js';
import { createUpstreamPool } from './upstream-pool.js';
import { callWithUserToken } from './user-token-call.js';

const ALLOW = [...PROXY_METHODS].join(', ');

/**
 * `/proxy/*`: the app's call, made on behalf of one of its users. Reads top to bottom:
 *  1. authenticate the app's bearer; it needs the `proxy` scope;
 *  2. parse the raw target (path rules) — before any lookup or upstream call;
 *  3. read connection_name + identifier and the body's declared size;
 *  4. select the connected account (on a connection the client may use) and ensure a fresh token;
 *  5. build the upstream URL (never leaving the provider's origin) with the user's credential as
 *     the provider definition says (bearer token, API key header or query parameter, Basic) and
 *     prepare the body;
 *  6. send; on a provider 401 to an OAuth token with a replayable body, refresh once and retry once;
 *  7. mark the account used, then stream the provider's response back unchanged.
 * Latchkey's own failures get the gateway error body + `x-latchkey-error`.
 */
export function createProxyHandler(deps: ProxyDeps): ProxyHandler {
  const { config, log } = deps;
  const dispatcher = deps.dispatcher ?? createUpstreamPool(config);

  const touch = createLastUsedRecorder(deps.store, log);
  const throttle = createReauthThrottle(config.proxyReauthIntervalMs);

  async function proxy(req: HttpRequest, res: HttpResponse, signal: AbortSignal): Promise<void> {
    const principal = await deps.authenticate(req.headers.authorization);
    requireScope(principal, 'proxy');
    const method = checkMethod(req.method);
    const target = parseTarget(req.url);
    const ref = readAccountHeaders(req.rawHeaders);
    const shape = inspectBody(req, config.proxyMaxBodyBytes);

    const { connection, account } = await selectAccount(deps.lookup, ref);
    requireScope(principal, 'proxy', connection.name);
    // Token first (an unusable account is refused before the body is read); the call below re-checks cheaply.
    const ready = await deps.refresher.ensureFresh(account, connection);

    const provider = getProvider(connection.provider);
    const { apiBaseUrl } = resolveEndpoints(connection, provider);
    const credential = credentialFor(ready, connection, provider);
    const call: UpstreamCall = {
      dispatcher,
      target: buildTarget(apiBaseUrl, target, credential.query),
      method,
      rawHeaders: req.rawHeaders,
      body: await prepareBody(req, shape, config.proxyMaxBodyBytes),
      signal,
      timeoutMs: config.proxyTimeoutMs,
    };

    // OAuth: one retry with a renewed token on a provider 401; a static credential is sent once.
    const {
      account: fresh,
      response,
      retried,
    } = staticAuthOf(provider)
      ? { account: ready, response: await sendUpstream(call, credential.headers), retried: false }
      : await callWithUserToken(deps.refresher, ready, connection, (token) => sendUpstream(call, token), {
          replayable: call.body.replayable,
          throttle,
        });

    touch(account.id, Date.now(), deps.refresher.aheadDueAt?.(fresh));
    log.debug(
      {
        method: call.method,
        connection: connection.name,
        accountId: account.id,
        status: response.statusCode,
        retried,
      },
      'proxying provider response',
    );
    await streamResponse(res, response).catch((err: unknown) => {
      log.debug({ err, accountId: account.id }, 'proxy response stream ended early');
    });
  }

  async function handler(req: HttpRequest, res: HttpResponse): Promise<void> {
    const client = watchClient(res);
    try {
      await proxy(req, res, client.signal);
    } catch (raw) {
      if (client.gone) return;
      const err = toAppError(raw);
      if (err.httpStatus >= 500) log.warn({ err, code: err.code }, 'proxy request failed');
      else log.debug({ code: err.code }, 'proxy request refused');
      if (err.code === 'PROXY_METHOD_NOT_ALLOWED') res.setHeader('allow', ALLOW);
      sendAppError(res, err);
    } finally {
      client.dispose();
    }
  }

  return {
    handler,
    close: async () => {
      if (!deps.dispatcher) await dispatcher.close();
    },
  };
}
