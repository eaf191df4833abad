import { randomBytes, randomInt } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/**
 * `conn_…`, `ca_…`, `ar_…`, `exe_…` (tool executions), `mcp_…` (MCP tokens), `evt_…`, `whe_…`
 * (webhook endpoint), `whd_…` (delivery), `adm_…` (admin), `pxc_…` (proxy call), `pxb_…` (a batch of
 * proxy calls): prefix + 20 random lowercase alphanumerics (≤ 32 chars,
 * as Scalekit's validators want).
 */
export function newId(
  prefix: 'conn' | 'ca' | 'ar' | 'exe' | 'mcp' | 'evt' | 'whe' | 'whd' | 'adm' | 'pxc' | 'pxb',
): string {
  const bytes = randomBytes(20);
  let out = `${prefix}_`;
  for (const b of bytes) out += ALPHABET[b % ALPHABET.length];
  return out;
}

/**
 * Ids for high-volume rows (`pxc_…`, one per proxied call; `pxb_…`, their batches): the time (base 36), a random tag
 * drawn once per process, then a counter — unique across processes, in time order (appends to
 * the primary-key index), and no randomness drawn per id (27 characters).
 */
export function sequentialIds(prefix: 'pxc' | 'pxb'): (at?: number) => string {
  const tag = newId(prefix).slice(prefix.length + 1, prefix.length + 9);
  let n = 0;
  let lastAt = -1;
  let lastTime = '';
  return (at = Date.now()) => {
    n = (n + 1) % 2_176_782_336; // 36^6
    const ms = Math.max(0, Math.floor(at));
    if (ms !== lastAt) {
      lastAt = ms;
      lastTime = `${prefix}_${ms.toString(36).padStart(9, '0')}${tag}`;
    }
    return lastTime + n.toString(36).padStart(6, '0');
  };
}

/** Scalekit-shaped client id: `skc_` + 18 digits. */
export function newClientId(): string {
  let digits = String(randomInt(1, 10));
  for (let i = 0; i < 17; i++) digits += String(randomInt(0, 10));
  return `skc_${digits}`;
}

/**
 * `evt_…`: the event's time (base 36), its position in its batch, then randomness — so events
 * written together in one millisecond list in the order they were recorded.
 */
export function newEventId(occurredAt: number, position: number): string {
  const time = Math.max(0, Math.floor(occurredAt)).toString(36).padStart(9, '0');
  return `evt_${time}${(position % 1296).toString(36).padStart(2, '0')}${newId('evt').slice(4, 13)}`;
}
