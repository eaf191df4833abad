import type { AccountLookup } from '../accounts/account-lookup.js';
import type { AccountWrites } from '../accounts/account-writes.js';
import type { AuthorizationLinks } from '../accounts/authorization-links.js';
import type { ConnectionService } from '../accounts/connections.js';
import type { TokenRefresher } from '../accounts/refresh/index.js';
import type { Config } from '../config/config.js';
import type { Router } from '../http/router.js';
import type { Logger } from '../log/logger.js';
import type { Store } from '../store/index.js';
import { createWebhookEndpoints } from '../webhooks/endpoints.js';
import { registerAccountRoutes } from './api/account-routes.js';
import { registerClientRoutes } from './api/client-routes.js';
import { registerConnectionRoutes } from './api/connection-routes.js';
import { createApi } from './api/http.js';
import { registerLogRoutes } from './api/log-routes.js';
import { registerSessionRoutes } from './api/session-routes.js';
import { registerWebhookRoutes } from './api/webhook-routes.js';
import { createAdminAccounts } from './auth/admins.js';
import { createSessions } from './auth/sessions.js';
import { registerStaticRoutes } from './static.js';

export interface DashboardDeps {
  store: Store;
  config: Config;
  log: Logger;
  connections: ConnectionService;
  links: AuthorizationLinks;
  lookup: AccountLookup;
  refresher: TokenRefresher;
  writes: AccountWrites;
  /** Wakes the webhook dispatcher after a resend. */
  nudgeWebhooks: () => void;
  /** Writes the proxy calls still queued (so the log page shows calls that just ended). */
  flushProxyLog: () => Promise<void>;
}

/**
 * The dashboard: the SPA's static files at `/` and its JSON API under `/dashboard/api` (admin
 * sessions only — separate from the SDK's API, and refusing API-client tokens). It calls the same
 * domain services as the CLI and the SDK API.
 */
export function createDashboard(deps: DashboardDeps) {
  const { store, config, log } = deps;
  const admins = createAdminAccounts({
    store,
    log,
    publicUrl: config.publicUrl,
    attempts: config.dashboard.signInAttempts,
    windowMs: config.dashboard.signInWindowMs,
  });
  const sessions = createSessions({
    store,
    ttlMs: config.dashboard.sessionTtlMs,
    secure: config.dashboard.secureCookies,
  });

  return {
    admins,
    register(router: Router): void {
      const api = createApi(router, sessions);
      registerSessionRoutes(api, { admins, sessions });
      registerConnectionRoutes(api, deps);
      registerAccountRoutes(api, deps);
      registerClientRoutes(api, { store, publicUrl: config.publicUrl });
      registerLogRoutes(api, { store, config, flush: deps.flushProxyLog });
      registerWebhookRoutes(api, {
        store,
        endpoints: createWebhookEndpoints({ store, config }),
        nudge: deps.nudgeWebhooks,
      });
      registerStaticRoutes(router);
    },
  };
}

export type Dashboard = ReturnType<typeof createDashboard>;
