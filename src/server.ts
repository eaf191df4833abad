import { createAccountLookup } from './accounts/account-lookup.js';
import { createAccountWrites } from './accounts/account-writes.js';
import { createAuthorizationFlow } from './accounts/authorization-flow.js';
import { createAuthorizationLinks } from './accounts/authorization-links.js';
import { createGrantCompletion } from './accounts/complete-grant.js';
import { createConnectionService } from './accounts/connections.js';
import { createLinkLanding } from './accounts/link-landing.js';
import { createBackgroundRefresher, createTokenRefresher } from './accounts/refresh/index.js';
import { createRevoker } from './accounts/revoke.js';
import { createUserVerification } from './accounts/verification.js';
import {
  authenticateBearer,
  authenticateBearerNow,
  createKeysEndpoint,
  createTokenEndpoint,
  createTokenIssuer,
} from './api/auth/index.js';
import { type Lifecycle, registerHealthRoutes } from './api/health/routes.js';
import { createPageRoutes } from './api/pages/routes.js';
import { registerExecutionRoutes } from './api/rest/executions.js';
import { createRestRoutes } from './api/rest/routes.js';
import { createRpcHandler } from './api/rpc/routes.js';
import type { Config } from './config/config.js';
import { createDashboard, type Dashboard } from './dashboard/index.js';
import { AppError, toAppError } from './errors/index.js';
import { createEventRecorder, type EventRecorder } from './events/recorder.js';
import { refreshEvents } from './events/refresh-events.js';
import { sendAppError } from './http/respond.js';
import { createRouter } from './http/router.js';
import type { HttpRequest, HttpResponse } from './http/types.js';
import type { Logger } from './log/logger.js';
import { createMcpRoutes } from './mcp/routes.js';
import { createMcpTokens } from './mcp/tokens.js';
import { createTokenClient } from './oauth/index.js';
import { createProxyLog } from './observe/proxy-log.js';
import { createProviderPacer, UNPACED } from './pacing/index.js';
import { createProxyHandler } from './proxy/pipeline.js';
import { createUpstreamPool } from './proxy/upstream-pool.js';
import type { Store } from './store/index.js';
import { createToolExecutor } from './tools/executor.js';
import { createWebhookDispatcher, type WebhookDispatcher } from './webhooks/dispatcher.js';

export interface ServerDeps {
  store: Store;
  log: Logger;
  /** Shutdown state for /readyz; a server that never drains by default. */
  lifecycle?: Lifecycle;
}

export interface BuiltServer {
  handler(req: HttpRequest, res: HttpResponse): void;
  services: {
    connections: ReturnType<typeof createConnectionService>;
    links: ReturnType<typeof createAuthorizationLinks>;
    flow: ReturnType<typeof createAuthorizationFlow>;
    refresher: ReturnType<typeof createTokenRefresher>;
    background: ReturnType<typeof createBackgroundRefresher>;
    landing: ReturnType<typeof createLinkLanding>;
    verify: ReturnType<typeof createUserVerification>;
    writes: ReturnType<typeof createAccountWrites>;
    /** Account events (best effort after each change; drained on shutdown). */
    events: EventRecorder;
    /** The webhook queue's dispatcher; `runtime.ts` starts it in `serve` only. */
    webhooks: WebhookDispatcher;
    /** The dashboard (admins, first-start set-up link). */
    dashboard: Dashboard;
  };
  /** Closes outbound pools; call after requests and refreshes have drained. */
  close(): Promise<void>;
}

/**
 * Composition root: wires every capability into one request handler for the one port.
 * Nothing here listens; see runtime.ts.
 */
export function buildServer(config: Config, deps: ServerDeps): BuiltServer {
  const { store, log } = deps;
  const tokens = createTokenClient({
    timeoutMs: config.refresh.tokenTimeoutMs,
    insecurePolicy: config.allowHttpProviders,
  });
  const webhooks = createWebhookDispatcher({
    store,
    config: config.webhooks,
    retentionMs: config.eventRetentionMs,
    log,
  });
  const events = createEventRecorder({ store, log, onRecorded: () => webhooks.nudge() });
  const lookup = createAccountLookup(store);
  const connections = createConnectionService({ store, config });
  const refresher = createTokenRefresher({ store, config, tokens, log, settled: refreshEvents(events) });
  const background = createBackgroundRefresher({ store, refresher, config, log });
  const granted = () => background.nudge();
  const complete = createGrantCompletion({ store, config, events, log, granted });
  const links = createAuthorizationLinks({ store, config, lookup, log, events });
  const flow = createAuthorizationFlow({ store, config, tokens, log, complete });
  const landing = createLinkLanding({ store, log, complete });
  const verify = createUserVerification({ store, config, events, log, granted });
  const writes = createAccountWrites({ store, events, revoke: createRevoker({ tokens, log }), log, granted });
  const issuer = createTokenIssuer({ store, config });
  const authenticate = (authorization: string | string[] | null | undefined) =>
    authenticateBearer(issuer, authorization ?? undefined);

  const router = createRouter();
  registerHealthRoutes(router, { store, lifecycle: deps.lifecycle ?? { draining: false } });
  router.add(
    'POST',
    '/oauth/token',
    createTokenEndpoint({ store, issuer, log, limits: config.tokenEndpoint }),
  );
  router.add('GET', '/keys', createKeysEndpoint(issuer));
  createPageRoutes({ flow, landing, secureCookies: config.publicUrl.startsWith('https:'), log }).register(
    router,
  );
  // One outbound pool to the providers, shared by /proxy and tools.
  const upstream = createUpstreamPool(config);
  // One pacer for /proxy and the tools: a provider's limit (Airtable: per base) counts both.
  const pacer = config.providerPacing
    ? createProviderPacer({ store, maxWaitMs: config.rateLimitMaxWaitMs, redis: config.redis, log })
    : undefined;
  const proxyLog = createProxyLog({
    store,
    log,
    retentionMs: config.dashboard.proxyLogRetentionMs,
    enabled: config.dashboard.proxyLog,
  });
  const proxy = createProxyHandler({
    authenticate,
    authenticateNow: (authorization) => authenticateBearerNow(issuer, authorization),
    pacer,
    // The proxy's own lookup keeps decrypted accounts in memory (src/accounts/lookup-cache.ts).
    lookup: createAccountLookup(store, { cacheSize: config.accountCacheSize }),
    refresher,
    store,
    config,
    log,
    dispatcher: upstream,
    finished: proxyLog.finished,
  });
  const executor = createToolExecutor({
    store,
    lookup,
    refresher,
    dispatcher: upstream,
    timeoutMs: config.proxyTimeoutMs,
    retentionMs: config.toolLogRetentionMs,
    pacer: pacer ?? UNPACED,
    log,
  });
  const tools = { store, lookup, executor };
  const rpcDeps = {
    store,
    lookup,
    links,
    refresher,
    authenticate,
    log,
    writes,
    verify,
    tools,
    readMaxBytes: config.apiMaxBodyBytes,
  };
  createRestRoutes(rpcDeps).register(router);
  registerExecutionRoutes(router, { store, authenticate, log });
  createMcpRoutes({
    store,
    links,
    executor,
    version: '0.1.0',
    tokens: createMcpTokens({ store, config }),
    authenticate,
    config,
    log,
  }).register(router);

  const dashboard = createDashboard({
    store,
    config,
    log,
    connections,
    links,
    lookup,
    refresher,
    writes,
    nudgeWebhooks: () => webhooks.nudge(),
    flushProxyLog: proxyLog.flush,
  });
  dashboard.register(router);

  const fallback = async (req: HttpRequest, res: HttpResponse) => {
    try {
      if (!(await router.handle(req, res)))
        sendAppError(res, new AppError('NOT_FOUND', `No route for ${req.method} ${req.url?.split('?')[0]}.`));
    } catch (err) {
      const appErr = toAppError(err);
      if (appErr.code === 'INTERNAL') log.error({ err: appErr.cause }, 'unhandled error in HTTP route');
      sendAppError(res, appErr);
    }
  };
  const rpc = createRpcHandler(rpcDeps, fallback);
  const proxyCrashed = (err: unknown) => log.error({ err }, 'unhandled error in the proxy');
  // `/proxy/*`, the hot path, goes straight to the proxy: nothing else lives under it, so neither
  // the RPC table nor the router is consulted for it.
  const handler = (req: HttpRequest, res: HttpResponse): void => {
    if (req.url?.startsWith('/proxy/')) proxy.handler(req, res).catch(proxyCrashed);
    else rpc(req, res);
  };

  return {
    handler,
    services: {
      connections,
      links,
      flow,
      refresher,
      background,
      landing,
      verify,
      writes,
      events,
      webhooks,
      dashboard,
    },
    close: async () => {
      await proxyLog.close();
      await proxy.close();
      await upstream.close();
      await tokens.close();
      await pacer?.close();
    },
  };
}
