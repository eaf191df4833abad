import { requireScope } from '../api/auth/scopes.js';
import { toAppError } from '../errors/index.js';
import { sendAppError } from '../http/respond.js';
import type { HttpRequest, HttpResponse } from '../http/types.js';
import { inTurn, type Pacer } from '../pacing/index.js';
import { resolveApiBaseUrl } from '../providers/index.js';
import { arrivingCall } from './call-facts.js';
import { PROXY_METHODS } from './header-policy.js';
import { createLastUsedRecorder } from './last-used.js';
import { createReauthThrottle } from './reauth-throttle.js';
import { buildTarget } from './steps/build-target.js';
import { checkMethod } from './steps/check-method.js';
import { ClientLink } from './steps/client-abort.js';
import type { UpstreamExchange } from './steps/exchange.js';
import { parseTarget } from './steps/parse-target.js';
import { credentialFor, tokenHeaders } from './steps/provider-auth.js';
import { paceKeyOf, routeOf } from './steps/proxy-route.js';
import { inspectBody, NO_BODY, prepareBody } from './steps/request-body.js';
import { holdBackFor, readRetries, retryPolicyFor } from './steps/retry-policy.js';
import { retryingSend } from './steps/retrying-send.js';
import { readAccountHeaders, selectAccount, selectCachedAccount } from './steps/select-account.js';
import { sendUpstream, type UpstreamCall } from './steps/send-upstream.js';
import type { ProxyCallFacts, ProxyDeps, ProxyHandler } from './types.js';
import { createUpstreamPool } from './upstream-pool.js';
import { callWithUserToken } from './user-token-call.js';

const ALLOW = [...PROXY_METHODS].join(', ');
/** nginx's "client closed request": the caller hung up before the answer began. */
const CLIENT_CLOSED = 499;

/**
 * `/proxy/*`: the app's call, made on behalf of one of its users. Reads top to bottom:
 *  1. authenticate the app's bearer; it needs the `proxy` scope;
 *  2. check the method, parse the raw target (path rules) and the `x-latchkey-retries` opt-in —
 *     before any lookup or upstream call;
 *  3. read connection_name + identifier and the body's declared size;
 *  4. select the connected account (cached, lookup-cache.ts) on a connection the client may use
 *     and ensure a fresh token;
 *  5. build the upstream URL (never leaving the provider's origin) with the user's credential as
 *     the provider definition says and prepare the body;
 *  6. send, the answer streaming straight into the response; on a provider 401 to an OAuth token
 *     with a replayable body (the 401 held back meanwhile), refresh at most once per interval and
 *     retry once — else the provider's 401 goes back as is; with `x-latchkey-retries: n` and a
 *     replayable body, a 429 (and for idempotent methods a 502/503/504 or no answer at all) is
 *     held back and sent again up to n times within the proxy timeout (steps/retrying-send.ts);
 *     each re-send is told in `x-latchkey-retried`;
 *  7. mark the account used.
 * Latchkey's own failures get the gateway error body + `x-latchkey-error`. No AbortSignal and no
 * stream.pipeline() per request (a test keeps them out): a hang-up aborts the upstream through
 * undici's dispatch controller (steps/client-abort.ts).
 */
/** sendUpstream after waiting for the key's turn; the turn is answered when the provider's answer (or a failure) arrives. */
function pacedSend(pacer: Pacer, key: string, perSecond: number): typeof sendUpstream {
  return async (call, credential) => {
    return inTurn(pacer, key, perSecond, () => sendUpstream(call, credential));
  };
}

export function createProxyHandler(deps: ProxyDeps): ProxyHandler {
  const { config, log } = deps;
  const dispatcher = deps.dispatcher ?? createUpstreamPool(config);
  const touch = createLastUsedRecorder(deps.store, log);
  const throttle = createReauthThrottle(config.proxyReauthIntervalMs);
  const debug = log.isLevelEnabled('debug');

  async function proxy(req: HttpRequest, res: HttpResponse, client: ClientLink, facts: ProxyCallFacts) {
    // Each step answers from memory when it can (no await: no microtask, no promise), else waits.
    const principal =
      deps.authenticateNow?.(req.headers.authorization) ??
      (await deps.authenticate(req.headers.authorization));
    facts.caller = principal.clientId;
    requireScope(principal, 'proxy');
    const method = checkMethod(req.method);
    const target = parseTarget(req.url);
    facts.path = target.path;
    const retries = readRetries(req.headers);
    const ref = readAccountHeaders(req.rawHeaders);
    const shape = inspectBody(req, config.proxyMaxBodyBytes);

    const { connection, account } =
      selectCachedAccount(deps.lookup, ref) ?? (await selectAccount(deps.lookup, ref));
    facts.accountId = account.id;
    facts.connectionId = connection.id;
    facts.identifier = account.identifier;
    requireScope(principal, 'proxy', connection.name);
    // Token first (an unusable account is refused before the body is read); the call below re-checks cheaply.
    const ready =
      deps.refresher.freshNow?.(account) ?? (await deps.refresher.ensureFresh(account, connection));

    const route = routeOf(connection);
    const credential = credentialFor(ready, connection, route.provider);
    const body = shape.kind === 'none' ? NO_BODY : await prepareBody(req, shape, config.proxyMaxBodyBytes);
    // Per-tenant providers fill their base URL from the account (Salesforce instance URL).
    const apiBaseUrl = resolveApiBaseUrl(route.apiBaseUrl, ready.tenant);
    const deadline = facts.startedPerf + config.proxyTimeoutMs;
    const policy = retryPolicyFor(method, retries, body.replayable, deadline);
    const call: UpstreamCall = {
      dispatcher,
      target: buildTarget(apiBaseUrl, target, credential.query),
      method,
      rawHeaders: req.rawHeaders,
      body,
      timeoutMs: config.proxyTimeoutMs,
      res,
      client,
      holdBack: holdBackFor(route.oauth && body.replayable, policy),
      sends: 0,
    };

    // OAuth: one retry with a renewed token on a provider 401; a static credential is never renewed.
    // A provider that declares pacing (Airtable: per base) gets each send in its turn, re-sends too.
    const paceKey = deps.pacer ? paceKeyOf(route, target.path) : undefined;
    const paced =
      paceKey === undefined ? sendUpstream : pacedSend(deps.pacer!, paceKey, route.pacing!.perSecond);
    const send = policy === undefined ? paced : retryingSend(paced, policy);
    let answer: UpstreamExchange;
    let fresh = ready;
    if (!route.oauth) answer = await send(call, credential.headers);
    else {
      // Most providers take `Authorization: Bearer` (sent from the string); others say where it goes.
      const placed = route.provider.tokenPlacement
        ? (t: string) => tokenHeaders(route.provider, t)
        : (t: string) => t;
      const done = await callWithUserToken(deps.refresher, ready, connection, (t) => send(call, placed(t)), {
        replayable: body.replayable,
        throttle,
        discard: (a) => a.drop(),
      });
      answer = done.response;
      fresh = done.account;
    }
    // A refused token may be one another replica rotated away: read the account afresh next time.
    if (answer.statusCode === 401) deps.lookup.forget?.(account.id);
    touch(account.id, Date.now(), deps.refresher.aheadDueAt?.(fresh));
    facts.status = answer.statusCode;
    if (debug) {
      log.debug(
        { method, connection: connection.name, accountId: account.id, status: answer.statusCode },
        'proxying provider response',
      );
    }
    await answer.passOn();
  }

  async function handler(req: HttpRequest, res: HttpResponse): Promise<void> {
    const client = new ClientLink(res);
    const facts = arrivingCall(req.method ?? '');
    try {
      await proxy(req, res, client, facts);
    } catch (raw) {
      if (!client.gone) {
        const err = toAppError(raw);
        if (err.httpStatus >= 500) log.warn({ err, code: err.code }, 'proxy request failed');
        else if (debug) log.debug({ code: err.code }, 'proxy request refused');
        if (err.code === 'PROXY_METHOD_NOT_ALLOWED') res.setHeader('allow', ALLOW);
        sendAppError(res, err);
        facts.status = err.httpStatus;
      }
    }
    if (client.gone && !res.headersSent) facts.status = CLIENT_CLOSED;
    // ── The response is finished (sent, cut, or abandoned by the client): the one place to observe it.
    deps.finished?.(req, res, facts);
  }

  return {
    handler,
    close: async () => {
      if (!deps.dispatcher) await dispatcher.close();
    },
  };
}
