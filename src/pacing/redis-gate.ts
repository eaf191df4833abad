import { Redis } from 'ioredis';
import type { RedisConfig } from '../config/config.js';
import type { Gate } from './shared-gate.js';

/**
 * The generic cell rate algorithm of store/rate-gates.ts, run by Redis as one script (atomic: no
 * other command runs between its steps) on Redis's own clock (`TIME`), so every replica reads one
 * clock. The key holds the time its next request may leave; it expires when that time has passed,
 * so an idle key vanishes (and a missing key means "go now", exactly like a past one).
 * ARGV: interval (ms, ≥ 1), longest wait (ms). Returns {1, waitMs} or {0, retryAfterMs}.
 */
const RESERVE_SCRIPT = `
if redis.replicate_commands then redis.replicate_commands() end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local step = tonumber(ARGV[1])
local max_wait = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1])) or now
local start = math.max(tat, now)
if start - now > max_wait then return {0, start - now - max_wait} end
redis.call('SET', KEYS[1], start + step, 'PX', start + step - now)
return {1, start - now}
`;

/** Redis could not answer in time (down, slow, refusing): the caller paces locally instead. */
export class GateUnavailable extends Error {
  constructor(readonly reason: string) {
    super(`Redis unavailable: ${reason}`);
    this.name = 'GateUnavailable';
  }
}

/** A Gate whose `reserve` rejects with GateUnavailable when Redis does not answer in time. */
export interface RedisGate extends Gate {
  close(): Promise<void>;
}

type ReserveCommand = (key: string, step: number, maxWait: number) => Promise<[number, number]>;

/** The URL without its user and password, for logs. */
export function describeRedisUrl(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
}

/**
 * Shared turns in Redis. Every failure — no connection yet, connection lost, a command that takes
 * longer than `timeoutMs` — is a GateUnavailable (ioredis's errors stop here), never a wait:
 * commands are not queued while disconnected (a queue would replay stale reservations on
 * reconnect), in-flight ones are not resent, and the client reconnects by itself in the background.
 */
export function createRedisGate(config: RedisConfig): RedisGate {
  const { timeoutMs, keyPrefix } = config;
  let lastError = 'not connected yet';
  const client = new Redis(config.url, {
    commandTimeout: timeoutMs,
    connectTimeout: Math.max(1000, timeoutMs),
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    // Reconnect forever, at most a second apart: pacing is shared again soon after Redis is back.
    retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
  });
  // Without a listener ioredis prints every failed connection attempt; the gate reports them itself.
  client.on('error', (err: NodeJS.ErrnoException) => {
    lastError = reasonOf(err);
  });
  client.defineCommand('latchkeyReserve', { numberOfKeys: 1, lua: RESERVE_SCRIPT });
  const reserveCommand = (client as unknown as { latchkeyReserve: ReserveCommand }).latchkeyReserve.bind(
    client,
  );

  /** A connection being made is waited for (within the timeout); a known-down one is not. */
  function connected(): Promise<void> {
    if (client.status === 'ready') return Promise.resolve();
    if (client.status !== 'connecting' && client.status !== 'connect' && client.status !== 'wait') {
      return Promise.reject(new GateUnavailable(lastError));
    }
    return new Promise((resolve, reject) => {
      const settle = (err?: GateUnavailable) => {
        clearTimeout(timer);
        client.off('ready', onReady);
        client.off('reconnecting', onFailed);
        client.off('end', onFailed);
        if (err) reject(err);
        else resolve();
      };
      const onReady = () => settle();
      const onFailed = () => settle(new GateUnavailable(lastError));
      const timer = setTimeout(
        () => settle(new GateUnavailable(`no connection within ${timeoutMs} ms (${lastError})`)),
        timeoutMs,
      );
      client.on('ready', onReady);
      client.on('reconnecting', onFailed);
      client.on('end', onFailed);
    });
  }

  return {
    async reserve(key, intervalMs, maxWaitMs) {
      const step = Math.max(1, Math.ceil(intervalMs));
      let reply: [number, number];
      try {
        await connected();
        const maxWait = Math.max(0, Math.floor(Math.min(maxWaitMs, Number.MAX_SAFE_INTEGER)));
        reply = await reserveCommand(`${keyPrefix}pace:${key}`, step, maxWait);
      } catch (err) {
        throw err instanceof GateUnavailable ? err : new GateUnavailable(reasonOf(err as Error));
      }
      const [ok, ms] = reply.map(Number) as [number, number];
      return ok === 1 ? { ok: true, waitMs: ms } : { ok: false, retryAfterMs: ms };
    },
    async close() {
      await client.quit().catch(() => client.disconnect());
    },
  };
}

/**
 * A short, secret-free reason: a socket error's code (ECONNREFUSED…), ioredis's timeout, or the
 * first word of a Redis error reply (NOAUTH, WRONGPASS, READONLY…) — never a whole message.
 */
function reasonOf(err: Error & { code?: string }): string {
  if (typeof err.code === 'string') return err.code;
  if (err.message === 'Command timed out') return 'command timed out';
  if (err.name === 'ReplyError') return err.message.split(' ')[0] ?? 'error reply';
  if (/enableOfflineQueue|Connection is closed/.test(err.message)) return 'not connected';
  return err.name === 'Error' ? 'error' : err.name;
}
