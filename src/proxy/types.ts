import type { Dispatcher } from 'undici';
import type { AccountLookup } from '../accounts/account-lookup.js';
import type { TokenRefresher } from '../accounts/refresh/index.js';
import type { Principal } from '../api/auth/token-issuer.js';
import type { Config } from '../config/config.js';
import type { HttpRequest, HttpResponse } from '../http/types.js';
import type { Logger } from '../log/logger.js';
import type { Pacer } from '../pacing/index.js';
import type { Store } from '../store/index.js';

/** What one /proxy call did, known when its response finishes (sent, cut, or abandoned by the client). */
export interface ProxyCallFacts {
  method: string;
  /** The provider path asked for (no query), once parsed. */
  path: string;
  /** The status the caller got; 499 when it hung up before the answer began. */
  status: number;
  /** `Date.now()` when the request arrived. */
  startedAt: number;
  /** `performance.now()` when the request arrived (the retry budget and the latency count from it). */
  startedPerf: number;
  /** Known once authenticated / once the account is chosen; undefined before. */
  caller: string | undefined;
  connectionId: string | undefined;
  accountId: string | undefined;
  identifier: string | undefined;
}

/** What the /proxy pipeline needs from the rest of Latchkey. */
export interface ProxyDeps {
  /** Verifies the app's bearer; throws AppError('UNAUTHENTICATED') when it is missing or invalid. */
  authenticate(authorization: string | string[] | undefined): Promise<Principal>;
  /** `authenticate`'s answer from memory (a token verified recently), without waiting; else undefined. */
  authenticateNow?(authorization: string | string[] | undefined): Principal | undefined;
  lookup: Pick<AccountLookup, 'resolve'> & Partial<Pick<AccountLookup, 'forget' | 'cached'>>;
  refresher: Pick<TokenRefresher, 'ensureFresh'> & Partial<Pick<TokenRefresher, 'aheadDueAt' | 'freshNow'>>;
  store: Pick<Store, 'accounts'>;
  config: Pick<Config, 'proxyTimeoutMs' | 'proxyMaxBodyBytes' | 'proxyReauthIntervalMs'>;
  log: Logger;
  /** Paces requests of providers that declare `pacing` (shared with the tools); none = unpaced. */
  pacer?: Pacer;
  /** Outbound dispatcher; by default the proxy's own keep-alive pool (closed by `close()`). */
  dispatcher?: Dispatcher;
  /** Told of every call once its response is finished (the dashboard's call log); must not throw. */
  finished?: (req: HttpRequest, res: HttpResponse, call: ProxyCallFacts) => void;
}

export interface ProxyHandler {
  handler(req: HttpRequest, res: HttpResponse): Promise<void>;
  /** Closes the proxy's own upstream pools (an injected dispatcher is left to its owner). */
  close(): Promise<void>;
}
