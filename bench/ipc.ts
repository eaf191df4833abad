import { type ChildProcess, fork } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';

/**
 * A tiny request/response protocol over the fork() IPC channel, so each server under test runs
 * in its own process (own event loop, own RSS) and the orchestrator drives it by name.
 */

// biome-ignore lint/suspicious/noExplicitAny: handler arguments are typed by each child's map.
type Handlers = Record<string, (arg: any) => unknown>;

interface Request {
  id: number;
  cmd: string;
  arg: unknown;
}

interface Reply {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

const READY = '__ready__';

/** Child side: answer every request with its handler; exit when the parent goes away. */
export function serve(handlers: Handlers): void {
  process.on('message', (msg: Request) => {
    const handler = handlers[msg.cmd];
    Promise.resolve()
      .then(() => {
        if (!handler) throw new Error(`unknown command ${msg.cmd}`);
        return handler(msg.arg);
      })
      .then(
        (result) => process.send?.({ id: msg.id, ok: true, result } satisfies Reply),
        (err: unknown) =>
          process.send?.({
            id: msg.id,
            ok: false,
            error: err instanceof Error ? (err.stack ?? err.message) : String(err),
          } satisfies Reply),
      );
  });
  process.on('disconnect', () => process.exit(0));
  process.send?.(READY);
}

export interface Child<H extends Handlers> {
  readonly proc: ChildProcess;
  call<K extends keyof H & string>(cmd: K, arg?: Parameters<H[K]>[0]): Promise<Awaited<ReturnType<H[K]>>>;
  /** Disconnects (the child exits on its own) and waits for the exit; SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** Starts `file` (a compiled .js module next to this one) with plain node and waits until it serves. */
export async function spawnChild<H extends Handlers>(
  file: string,
  execArgv: string[] = [],
): Promise<Child<H>> {
  const proc = fork(fileURLToPath(new URL(file, import.meta.url)), [], {
    execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  proc.on('error', () => {}); // a send on a closing channel: the call's promise is rejected on exit
  let nextId = 1;
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  exited.then(() => {
    for (const p of pending.values()) p.reject(new Error(`${file} exited`));
    pending.clear();
  });

  await new Promise<void>((resolve, reject) => {
    const onMessage = (msg: unknown) => {
      if (msg !== READY) return;
      proc.off('message', onMessage);
      resolve();
    };
    proc.on('message', onMessage);
    proc.once('exit', (code) => reject(new Error(`${file} exited before it was ready (code ${code})`)));
  });
  proc.on('message', (msg: Reply) => {
    const p = pending.get(msg.id);
    if (!p) return;
    pending.delete(msg.id);
    if (msg.ok) p.resolve(msg.result);
    else p.reject(new Error(`${file}: ${msg.error}`));
  });

  return {
    proc,
    call(cmd, arg) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        if (!proc.connected) {
          reject(new Error(`${file} is not running`));
          return;
        }
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        proc.send({ id, cmd, arg } satisfies Request);
      });
    },
    async stop(graceMs = 5_000) {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      if (proc.connected) proc.disconnect();
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** GC pauses so far, by kind (a per-request AbortSignal shows up as long young-generation pauses). */
const gcStats = { minorCount: 0, minorMs: 0, minorMaxMs: 0, majorCount: 0, majorMs: 0, majorMaxMs: 0 };
let gcObserved = false;
function observeGc(): void {
  if (gcObserved) return;
  gcObserved = true;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MINOR) {
        gcStats.minorCount++;
        gcStats.minorMs += e.duration;
        gcStats.minorMaxMs = Math.max(gcStats.minorMaxMs, e.duration);
      } else {
        gcStats.majorCount++;
        gcStats.majorMs += e.duration;
        gcStats.majorMaxMs = Math.max(gcStats.majorMaxMs, e.duration);
      }
    }
  }).observe({ entryTypes: ['gc'] });
}

/**
 * CPU time so far (µs) of this process's main thread and of all its other threads together (GC
 * helpers, the compiler, libuv's pool), from /proc (Linux; clock ticks, so 10 ms steps). What
 * `process.cpuUsage()` cannot split.
 */
function threadCpu(): { mainUserUs: number; mainSysUs: number; othersUs: number } | undefined {
  try {
    const tick = 10_000; // µs per clock tick (USER_HZ 100)
    const ticksOf = (tid: string) => {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return { user: Number(fields[11]) * tick, sys: Number(fields[12]) * tick };
    };
    let othersUs = 0;
    for (const tid of readdirSync('/proc/self/task')) {
      if (tid === String(process.pid)) continue;
      const t = ticksOf(tid);
      othersUs += t.user + t.sys;
    }
    const main = ticksOf(String(process.pid));
    return { mainUserUs: main.user, mainSysUs: main.sys, othersUs };
  } catch {
    return undefined;
  }
}

/** What every child reports about itself: CPU time so far, GC so far, memory now (after a GC if exposed). */
export function processUsage(opts: { gc?: boolean } = {}) {
  observeGc();
  if (opts.gc && typeof globalThis.gc === 'function') globalThis.gc();
  const mem = process.memoryUsage();
  return {
    gc: { ...gcStats },
    cpu: process.cpuUsage(),
    threads: threadCpu(),
    rss: mem.rss,
    heapUsed: mem.heapUsed,
    heapTotal: mem.heapTotal,
    external: mem.external,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    /** V8's old generation in use: where garbage that outlived two young collections waits for a full GC. */
    oldSpaceUsed: v8.getHeapSpaceStatistics().find((x) => x.space_name === 'old_space')?.space_used_size ?? 0,
  };
}

export type ProcessUsage = ReturnType<typeof processUsage>;

/**
 * Samples this process's memory every `everyMs` between `start` and `stop`: how far RSS and the
 * live JavaScript-visible memory (heap used + external, which holds Buffers; each sample taken
 * right after a full GC, so garbage not yet collected does not count) rose above where they were
 * at `start` (MiB). What "constant memory" during a large transfer is judged by.
 */
export function memorySampler() {
  let timer: NodeJS.Timeout | undefined;
  let base = { rss: 0, js: 0 };
  let peak = { rss: 0, js: 0 };
  const read = () => {
    if (typeof globalThis.gc === 'function') globalThis.gc();
    const m = process.memoryUsage();
    return { rss: m.rss, js: m.heapUsed + m.external };
  };
  const sample = () => {
    const m = read();
    peak = { rss: Math.max(peak.rss, m.rss), js: Math.max(peak.js, m.js) };
  };
  return {
    startMemorySampling(arg: { everyMs: number }) {
      base = read();
      peak = { ...base };
      clearInterval(timer);
      timer = setInterval(sample, arg.everyMs);
    },
    stopMemorySampling() {
      clearInterval(timer);
      return { rssRiseMiB: (peak.rss - base.rss) / 2 ** 20, jsRiseMiB: (peak.js - base.js) / 2 ** 20 };
    },
  };
}
