import type { Dispatcher } from 'undici';
import type { AccountLookup } from '../accounts/account-lookup.js';
import type { TokenRefresher } from '../accounts/refresh/index.js';
import type { Principal } from '../api/auth/token-issuer.js';
import type { Config } from '../config/config.js';
import type { RouteHandler } from '../http/types.js';
import type { Logger } from '../log/logger.js';
import type { Pacer } from '../pacing/index.js';
import type { Store } from '../store/index.js';

/** What the /proxy pipeline needs from the rest of Latchkey. */
export interface ProxyDeps {
  /** Verifies the app's bearer; throws AppError('UNAUTHENTICATED') when it is missing or invalid. */
  authenticate(authorization: string | string[] | undefined): Promise<Principal>;
  lookup: Pick<AccountLookup, 'resolve'> & Partial<Pick<AccountLookup, 'forget'>>;
  refresher: Pick<TokenRefresher, 'ensureFresh'> & Partial<Pick<TokenRefresher, 'aheadDueAt'>>;
  store: Pick<Store, 'accounts'>;
  config: Pick<Config, 'proxyTimeoutMs' | 'proxyMaxBodyBytes' | 'proxyReauthIntervalMs'>;
  log: Logger;
  /** Paces requests of providers that declare `pacing` (shared with the tools); none = unpaced. */
  pacer?: Pacer;
  /** Outbound dispatcher; by default the proxy's own keep-alive pool (closed by `close()`). */
  dispatcher?: Dispatcher;
}

export interface ProxyHandler {
  handler: RouteHandler;
  /** Closes the proxy's own upstream pools (an injected dispatcher is left to its owner). */
  close(): Promise<void>;
}
