import type { Dispatcher } from 'undici';
import type { ResolvedAccount } from '../accounts/account-lookup.js';
import type { TokenRefresher } from '../accounts/refresh/index.js';
import { AppError } from '../errors/index.js';
import { inTurn, type Pacer } from '../pacing/index.js';
import { translateUpstreamError } from '../proxy/steps/upstream-errors.js';
import { callWithUserToken, discard } from '../proxy/user-token-call.js';
import type { ConnectedAccount } from '../store/index.js';
import type { RegisteredTool } from './registry.js';
import type { WireRequest } from './request.js';
import type { ToolInput } from './validate-input.js';

/** Tool answers are read into memory; more than this is refused. */
const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

export interface ProviderCallDeps {
  dispatcher: Dispatcher;
  refresher: Pick<TokenRefresher, 'ensureFresh'>;
  pacer: Pacer;
  timeoutMs: number;
}

/** One tool execution's dealings with the provider, counted for the execution log. */
export interface ProviderSession {
  deps: ProviderCallDeps;
  tool: RegisteredTool;
  input: ToolInput;
  resolved: ResolvedAccount;
  signal: AbortSignal;
  upstreamCalls: number;
  /** Status of the last answer. */
  lastStatus: number | undefined;
  /** The account as last refreshed (for last-used bookkeeping). */
  account: ConnectedAccount;
}

/** A provider answer ≥ 400, with its parsed body. */
export class ProviderRefusal extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`provider answered ${status}`);
  }
}

/** The provider never answered usably (unreachable, timeout, unreadable body). */
export class ProviderUnreachable extends Error {
  constructor(
    readonly code: 'PROVIDER_UNAVAILABLE' | 'PROVIDER_TIMEOUT' | 'EXEC_FAILED',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

async function readJson(response: Dispatcher.ResponseData): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_RESPONSE_BYTES) {
      response.body.destroy();
      throw new ProviderUnreachable('EXEC_FAILED', 'The provider answer is too large for a tool result.');
    }
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return { body: text.slice(0, 2000) };
  }
}

function paceKey(s: ProviderSession): string | undefined {
  const pacing = s.tool.provider.pacing;
  const value = pacing ? s.input[pacing.keyParam] : undefined;
  return value === undefined ? undefined : `${s.resolved.connection.provider}:${String(value)}`;
}

/**
 * Sends one request with the user's token through the same path as /proxy (fresh token, one
 * retry on a provider 401), paced per the provider's key, and returns the parsed JSON of a 2xx.
 * Throws ProviderRefusal (≥ 400), ProviderUnreachable, or Latchkey's own AppErrors (account
 * not active, refresh failed, database unavailable).
 */
export async function sendToProvider(s: ProviderSession, wire: WireRequest): Promise<unknown> {
  const key = paceKey(s);
  const perSecond = s.tool.provider.pacing?.perSecond ?? 0;
  const request = async (token: string): Promise<Dispatcher.ResponseData> => {
    s.upstreamCalls++;
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
    if (wire.body) headers['content-type'] = 'application/json';
    try {
      return await s.deps.dispatcher.request({
        origin: wire.target.origin,
        path: wire.target.path,
        method: wire.method as Dispatcher.HttpMethod,
        headers,
        body: wire.body ?? null,
        signal: s.signal,
        headersTimeout: s.deps.timeoutMs,
        bodyTimeout: s.deps.timeoutMs,
      });
    } catch (err) {
      const appErr = translateUpstreamError(err);
      if (appErr.code === 'PROXY_TIMEOUT')
        throw new ProviderUnreachable('PROVIDER_TIMEOUT', 'The provider did not answer in time.', {
          cause: err,
        });
      if (appErr.code === 'PROVIDER_UNAVAILABLE')
        throw new ProviderUnreachable('PROVIDER_UNAVAILABLE', 'The provider could not be reached.', {
          cause: err,
        });
      throw appErr;
    }
  };
  const send = (token: string) =>
    key !== undefined && perSecond > 0
      ? inTurn(s.deps.pacer, key, perSecond, () => request(token), s.signal)
      : request(token);
  const { account, response } = await callWithUserToken(
    s.deps.refresher,
    s.account,
    s.resolved.connection,
    send,
    { replayable: true },
  );
  s.account = account;
  s.lastStatus = response.statusCode;
  let body: unknown;
  try {
    body = await readJson(response);
  } catch (err) {
    await discard(response);
    if (err instanceof ProviderUnreachable || err instanceof AppError) throw err;
    throw new ProviderUnreachable('EXEC_FAILED', 'The provider answer broke off.', { cause: err });
  }
  if (response.statusCode >= 400) throw new ProviderRefusal(response.statusCode, body);
  return body;
}
