import { Agent } from 'undici';
import type { Config } from '../config/config.js';

/** Idle keep-alive sockets are closed after this long (provider hints may shorten it). */
const KEEP_ALIVE_MS = 30_000;

/**
 * The proxy's outbound dispatcher: an undici Agent, which keeps one keep-alive Pool per
 * provider origin. Connect, headers and body (idle) timeouts all come from the config.
 */
export function createUpstreamPool(config: Pick<Config, 'proxyTimeoutMs'>): Agent {
  return new Agent({
    connect: { timeout: config.proxyTimeoutMs },
    headersTimeout: config.proxyTimeoutMs,
    bodyTimeout: config.proxyTimeoutMs,
    keepAliveTimeout: KEEP_ALIVE_MS,
  });
}
