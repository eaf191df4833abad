import { AppError } from '../../errors/index.js';
import type { ProxyTarget } from './parse-target.js';

/** Where one proxied request goes: an origin for the pool and the exact request path. */
export interface UpstreamTarget {
  origin: string;
  /** Base path + the caller's path + query, as written. */
  path: string;
}

/**
 * Joins the connection's API base and the caller's path by string concatenation (no URL
 * resolution, so nothing relative can climb out), then re-parses the result and asserts it
 * stays on the base's origin and under its path — defence in depth behind parseTarget.
 */
export function buildTarget(apiBaseUrl: string, target: ProxyTarget): UpstreamTarget {
  let base: URL;
  try {
    base = new URL(apiBaseUrl);
  } catch (cause) {
    throw new AppError('INTERNAL', 'The connection has an invalid API base URL.', { cause });
  }
  if (base.protocol !== 'https:' && base.protocol !== 'http:') {
    throw new AppError('INTERNAL', 'The connection has an invalid API base URL.');
  }
  const basePath = base.pathname.replace(/\/+$/, '');
  const path = basePath + target.path + target.search;
  const resolved = new URL(base.origin + path);
  if (resolved.origin !== base.origin || !resolved.pathname.startsWith(`${basePath}/`)) {
    throw new AppError('PROXY_PATH_INVALID');
  }
  return { origin: base.origin, path };
}
