import type { WebhookConfig } from '../config/config.js';

/**
 * When to try a failed delivery again: `retryMin` doubling per failed attempt, capped at
 * `retryMax`, ±20 % jitter — until `retryFor` after the delivery was queued (a day by default);
 * null means give up (the delivery is marked failed and stays in the log).
 */
export function nextAttemptAt(
  failedAttempts: number,
  createdAt: number,
  now: number,
  cfg: Pick<WebhookConfig, 'retryMinMs' | 'retryMaxMs' | 'retryForMs'>,
  random = Math.random,
): number | null {
  const base = Math.min(cfg.retryMaxMs, cfg.retryMinMs * 2 ** Math.max(0, Math.min(failedAttempts - 1, 30)));
  const at = now + Math.round(base * (0.8 + 0.4 * random()));
  return at > createdAt + cfg.retryForMs ? null : at;
}
