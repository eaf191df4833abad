import v8 from 'node:v8';

let tuned = false;

/**
 * Turns off V8's allocation-site pretenuring for this process (once; idempotent).
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
}
