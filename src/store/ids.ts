import { randomBytes, randomInt } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** `conn_…`, `ca_…`, `ar_…`, `exe_…` (tool executions), `mcp_…` (MCP tokens): prefix + 20 random lowercase alphanumerics (≤ 32 chars, as Scalekit's validators want). */
export function newId(prefix: 'conn' | 'ca' | 'ar' | 'exe' | 'mcp'): string {
  const bytes = randomBytes(20);
  let out = `${prefix}_`;
  for (const b of bytes) out += ALPHABET[b % ALPHABET.length];
  return out;
}

/** Scalekit-shaped client id: `skc_` + 18 digits. */
export function newClientId(): string {
  let digits = String(randomInt(1, 10));
  for (let i = 0; i < 17; i++) digits += String(randomInt(0, 10));
  return `skc_${digits}`;
}
