import type { IncomingHttpHeaders } from 'node:http';
import { AppError } from '../../errors/index.js';

/** The caller's opt-in: how many times a refused or failed call may be sent again (0–5). */
export const RETRIES_HEADER = 'x-latchkey-retries';
/** On the answer when it was sent more than once: how many re-sends preceded it. */
export const RETRIED_HEADER = 'x-latchkey-retried';
export const MAX_RETRIES = 5;
const VALID_RETRIES = new RegExp(`^[0-${MAX_RETRIES}]$`);

/** Full-jitter exponential backoff: retry n waits a random time in [0, min(CAP, BASE·2ⁿ)). */
export const BACKOFF_BASE_MS = 250;
export const BACKOFF_CAP_MS = 8000;

/** Which answers are held back (bounded, exchange.ts) instead of streamed, so they can be retried. */
export type HoldBack = (status: number) => boolean;

/**
 * What may be retried. A 429 is a refusal — the provider did nothing — so it is retried for every
 * method. 502, 503, 504 and a failure before any answer (connection error, timeout) may come after
 * the provider acted, so they are retried only for idempotent methods: a POST that created an
 * Airtable record must not create it twice. PATCH is not idempotent (RFC 9110 §9.2.2).
 */
export interface RetryPolicy {
  /** Re-sends asked for. */
  readonly retries: number;
  /** Re-sends left (shared by every send of the call, the one after a token refresh too). */
  left: number;
  readonly retryOn: HoldBack;
  /** Retry a failure that got no answer at all (PROVIDER_UNAVAILABLE, PROXY_TIMEOUT). */
  readonly onFailure: boolean;
  /** `performance.now()` past which nothing more is sent: the call's start + the proxy timeout. */
  readonly deadline: number;
}

const IDEMPOTENT: ReadonlySet<string> = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

const is401: HoldBack = (s) => s === 401;
const is429: HoldBack = (s) => s === 429;
const isTransient: HoldBack = (s) => s === 429 || s === 502 || s === 503 || s === 504;
const is401or429: HoldBack = (s) => s === 401 || s === 429;
const is401orTransient: HoldBack = (s) => s === 401 || isTransient(s);

/** The `x-latchkey-retries` header: 0 when absent; INVALID_ARGUMENT unless a whole number 0–5. */
export function readRetries(headers: IncomingHttpHeaders): number {
  const raw = headers[RETRIES_HEADER];
  if (raw === undefined) return 0;
  if (typeof raw === 'string' && VALID_RETRIES.test(raw)) return Number(raw);
  throw new AppError(
    'INVALID_ARGUMENT',
    `Invalid ${RETRIES_HEADER} header: expected a whole number from 0 to ${MAX_RETRIES}.`,
  );
}

/** The policy for one call, or none (no retries asked, or a streamed body that cannot be sent twice). */
export function retryPolicyFor(
  method: string,
  retries: number,
  replayable: boolean,
  deadline: number,
): RetryPolicy | undefined {
  if (retries === 0 || !replayable) return undefined;
  const idempotent = IDEMPOTENT.has(method);
  return {
    retries,
    left: retries,
    retryOn: idempotent ? isTransient : is429,
    onFailure: idempotent,
    deadline,
  };
}

/**
 * What the exchange holds back: a 401 when a token refresh may follow (`refresh401`: OAuth with a
 * replayable body), and what the retry policy retries. Nothing at all without either (the common
 * case: every answer streams straight through).
 */
export function holdBackFor(refresh401: boolean, policy: RetryPolicy | undefined): HoldBack | undefined {
  if (policy === undefined) return refresh401 ? is401 : undefined;
  if (!refresh401) return policy.retryOn;
  return policy.retryOn === isTransient ? is401orTransient : is401or429;
}

/** A `Retry-After` value (delay-seconds or HTTP-date, RFC 9110 §10.2.3) in ms; 0 when absent or unreadable. */
export function retryAfterMs(value: string | string[] | undefined, now = Date.now()): number {
  if (typeof value !== 'string') return 0;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? 0 : Math.max(0, at - now);
}

/** The wait before re-send `n` (0-based): full jitter, never shorter than the provider's Retry-After. */
export function backoffMs(n: number, retryAfter: number, random: () => number = Math.random): number {
  const jitter = Math.floor(random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** n));
  return Math.max(jitter, retryAfter);
}
