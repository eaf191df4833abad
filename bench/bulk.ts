import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { request } from 'undici';
import { BULK_PATH } from './bulk-routes.js';
import { forwarderTarget, proxiedTarget } from './scenarios.js';
import type { Bench } from './setup.js';

/** One large transfer through a proxy: how fast, and how far its memory rose meanwhile. */
export interface BulkResult {
  via: 'bare forwarder' | 'Latchkey';
  direction: 'download' | 'upload';
  mib: number;
  /** MiB/s end to end. */
  rate: number;
  /** Peak rise over the start of the transfer, MiB: RSS, and live heap + external (memorySampler in ipc.ts). */
  rssRiseMiB: number;
  jsRiseMiB: number;
  /** Bytes the receiving end counted equal the bytes sent. */
  whole: boolean;
}

export const BULK_SIZES_MIB = [10, 100];
/** Each sample forces a full GC (live memory only), so not more often. */
const SAMPLE_EVERY_MS = 25;
const CHUNK = Buffer.alloc(64 * 1024, 0x62);

/** `bytes` of body, produced as the socket takes them (never held whole by the client). */
async function* bodyOf(bytes: number): AsyncGenerator<Buffer> {
  for (let left = bytes; left > 0; left -= CHUNK.length) {
    yield left >= CHUNK.length ? CHUNK : CHUNK.subarray(0, left);
  }
}

async function transfer(
  origin: string,
  path: string,
  headers: Record<string, string>,
  direction: BulkResult['direction'],
  bytes: number,
): Promise<boolean> {
  if (direction === 'download') {
    const res = await request(`${origin}${path}?bytes=${bytes}`, { headers });
    let got = 0;
    for await (const chunk of res.body) got += (chunk as Buffer).length;
    return res.statusCode === 200 && got === bytes;
  }
  const res = await request(`${origin}${path}`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/octet-stream', 'content-length': String(bytes) },
    body: Readable.from(bodyOf(bytes)),
  });
  const text = await res.body.text();
  return res.statusCode === 200 && (JSON.parse(text) as { bytes?: number }).bytes === bytes;
}

/**
 * 10 MiB and 100 MiB down and up through the bare forwarder and through Latchkey, one at a time,
 * twice: once as fast as it goes (the rate), once with the proxy's live memory sampled every
 * 25 ms (each sample after a full GC, which slows the transfer). A proxy that streams holds about
 * the same few MiB for both sizes; one that buffers holds the size.
 */
export async function bulkTransfers(b: Bench): Promise<BulkResult[]> {
  const out: BulkResult[] = [];
  for (const via of ['bare forwarder', 'Latchkey'] as const) {
    // Both children serve memorySampler() (ipc.ts) under the same names.
    const sampler = (via === 'Latchkey' ? b.lk : b.fwd) as Pick<Bench['fwd'], 'call'>;
    const target = via === 'Latchkey' ? proxiedTarget(b, BULK_PATH) : forwarderTarget(b, BULK_PATH);
    const send = (direction: BulkResult['direction'], bytes: number) =>
      transfer(target.origin, target.path, target.headers, direction, bytes);
    for (const direction of ['download', 'upload'] as const) {
      for (const mib of BULK_SIZES_MIB) {
        const bytes = mib * 2 ** 20;
        const t0 = performance.now();
        const fast = await send(direction, bytes);
        const rate = mib / ((performance.now() - t0) / 1000);
        await sampler.call('startMemorySampling', { everyMs: SAMPLE_EVERY_MS });
        const sampled = await send(direction, bytes);
        const mem = await sampler.call('stopMemorySampling');
        out.push({ via, direction, mib, rate, ...mem, whole: fast && sampled });
      }
    }
  }
  return out;
}
