import v8 from 'node:v8';

let tuned = false;

/**
 * Turns off V8's allocation-site pretenuring and caps the old generation's growth between full
 * collections (HEAP_GROWING_PERCENT) for this process (once; idempotent).
 *
 * V8 watches where objects are allocated and, when most objects from one place survive a young
 * collection, allocates that place's later objects straight in the old generation. In Latchkey
 * it pretenures the objects of each request (IncomingMessage, header arrays, undici requests,
 * the proxy's own), which all die within a millisecond: every request then left ~1 KB in the old
 * generation, young collections took 3–5× longer and mark-compacts ran several times a second.
 * Found with the sampling heap profiler (objects collected by major GCs) and measured in
 * docs/benchmarks.md (run 4): GC time per request fell ~3× and CPU per request ~20 %.
 */
export function tuneGcForRequests(): void {
  if (tuned) return;
  tuned = true;
  v8.setFlagsFromString('--no-allocation-site-pretenuring');
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}

/**
 * How far the old generation may grow past what the last full collection kept before the next
 * one starts: 50 % (V8's own factor moves between 10 % and 300 % by how cheap it finds collecting).
 * A busy proxy promotes a little of each request's garbage (undici's per-request timers, http2
 * stream objects): V8 judged full collections cheap and let that garbage pile up to 3–4× the live
 * heap — the old generation grew 28 → 96 MB and RSS to 200–216 MiB over the bench's HTTP/1.1 runs.
 * At 50 % it stays under ~40 MB, RSS peaks at ~150 MiB, and the extra full collections (~10 ms
 * every few seconds under load) did not move CPU per request (docs/benchmarks.md, run 11).
 * Unlike heap sizes this flag is read at every collection, so it can be set here at run time.
 */
export const HEAP_GROWING_PERCENT = 50;

/**
 * Node.js flags `latchkey serve` starts with: the `latchkey` command's `#!` line and `npm start`
 * pass them (src/main.ts, package.json; gc-tuning.test.ts keeps the three in step), and the bench
 * starts its Latchkey with them. V8 reads heap sizes only when the process starts, so they cannot
 * be set from here or from a `LATCHKEY_` setting.
 *
 * `--max-semi-space-size=4` caps the young generation at 2 × 4 MiB (V8's default grows it to
 * 2 × 16 MiB under load). Besides ~25 MiB less RSS: V8 counts ArrayBuffer bytes allocated since the
 * last mark-compact against the old generation's limit, and with 16 MiB semi-spaces one young
 * cycle of a busy proxy's response chunks (13.5 KB pages at ~10,000 requests/s) came close to the
 * limit's headroom — mark-compacts that freed nothing ran every ~200 ms, and the proxy's CPU per
 * request doubled (docs/benchmarks.md, run 10).
 */
export const SERVE_NODE_FLAGS = ['--max-semi-space-size=4'] as const;

/** Whether this process was started with a young-generation cap (SERVE_NODE_FLAGS or the operator's own). */
export function youngGenerationCapped(execArgv: readonly string[], nodeOptions: string | undefined): boolean {
  const flags = [...execArgv, ...(nodeOptions ?? '').split(/\s+/)];
  return flags.some((f) => /^--max[-_]semi[-_]space[-_]size(=|$)/.test(f));
}
