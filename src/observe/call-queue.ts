import type { ProxyCallFacts } from '../proxy/types.js';
import { CallPacker, type PackedCalls } from '../store/index.js';

/** Per queued call, its strings as indexes into the round's table (0 = null). */
const CALLER = 0;
const CONNECTION = 1;
const ACCOUNT = 2;
const IDENTIFIER = 3;
const METHOD = 4;
const URL = 5;
const ERROR = 6;
const REFS = 7;

export interface CallQueueOptions {
  /** The id of a call that started at `at` (time-ordered: the store's `proxyCalls.newId`). */
  newId(at: number): string;
  /** What is logged of the request's URL (`loggedPath`: query values dropped). */
  path(url: string): string;
}

/**
 * The proxy call log's queue, in columns: a finished call is a few numbers in typed arrays and
 * seven indexes into a table of the round's distinct strings (callers, accounts, methods, URLs —
 * under load the same few, interned once per round). Recording a call allocates nothing on the V8
 * heap; its id, logged path, tuple and JSON are made when the batch is written (`take`), in one
 * tight loop whose garbage dies young. Before, each call built a row object, an id string, its
 * logged path and its JSON text as it finished: 2–3 µs timed alone, and about twice that inside a
 * busy server (docs/benchmarks.md, runs 9 and 10).
 */
export class CallQueue {
  /** Calls queued since the last take. */
  size = 0;
  private startedAt = new Float64Array(0);
  private durationMs = new Float64Array(0);
  private status = new Uint16Array(0);
  private retries = new Uint16Array(0);
  private refs = new Uint32Array(0);
  private strings: (string | null)[] = [null];
  private readonly index = new Map<string, number>();
  /** Per column, the last string seen and its index: consecutive calls mostly repeat them. */
  private readonly lastString: (string | null)[] = new Array<string | null>(REFS).fill(null);
  private readonly lastRef = new Uint32Array(REFS);

  constructor(private readonly opts: CallQueueOptions) {}

  /** Queues one finished call (`retries`: the re-sends the caller was told of; `errorCode`: Latchkey's, if it answered). */
  add(
    call: ProxyCallFacts,
    method: string,
    url: string,
    retries: number,
    errorCode: string | null,
    durationMs: number,
  ): void {
    const i = this.size;
    if (i === this.status.length) this.grow();
    this.startedAt[i] = call.startedAt;
    this.durationMs[i] = durationMs;
    this.status[i] = call.status;
    this.retries[i] = retries;
    const o = i * REFS;
    const refs = this.refs;
    refs[o + CALLER] = this.ref(CALLER, call.caller ?? null);
    refs[o + CONNECTION] = this.ref(CONNECTION, call.connectionId ?? null);
    refs[o + ACCOUNT] = this.ref(ACCOUNT, call.accountId ?? null);
    refs[o + IDENTIFIER] = this.ref(IDENTIFIER, call.identifier ?? null);
    refs[o + METHOD] = this.ref(METHOD, method);
    refs[o + URL] = this.ref(URL, url);
    refs[o + ERROR] = this.ref(ERROR, errorCode);
    this.size = i + 1;
  }

  /** Everything queued since the last take, packed one batch per account (CallPacker); empties the queue. */
  take(): PackedCalls[] {
    const { newId, path } = this.opts;
    const s = this.strings;
    const refs = this.refs;
    const paths: (string | undefined)[] = [];
    const packer = new CallPacker();
    for (let i = 0; i < this.size; i++) {
      const o = i * REFS;
      const url = refs[o + URL]!;
      let logged = paths[url];
      if (logged === undefined) {
        logged = path(s[url] ?? '');
        paths[url] = logged;
      }
      const at = this.startedAt[i]!;
      packer.push({
        id: newId(at),
        startedAt: at,
        caller: s[refs[o + CALLER]!]!,
        connectionId: s[refs[o + CONNECTION]!]!,
        connectedAccountId: s[refs[o + ACCOUNT]!]!,
        identifier: s[refs[o + IDENTIFIER]!]!,
        method: s[refs[o + METHOD]!]!,
        path: logged,
        status: this.status[i]!,
        durationMs: this.durationMs[i]!,
        retries: this.retries[i]!,
        errorCode: s[refs[o + ERROR]!]!,
      });
    }
    this.size = 0;
    this.strings = [null];
    this.index.clear();
    this.lastString.fill(null);
    this.lastRef.fill(0);
    return packer.take();
  }

  private ref(column: number, value: string | null): number {
    if (value === this.lastString[column]) return this.lastRef[column]!;
    let r = 0;
    if (value !== null) {
      r = this.index.get(value) ?? 0;
      if (r === 0) {
        r = this.strings.length;
        this.strings.push(value);
        this.index.set(value, r);
      }
    }
    this.lastString[column] = value;
    this.lastRef[column] = r;
    return r;
  }

  private grow(): void {
    const cap = Math.max(256, 2 * this.status.length);
    const widen = <T extends Float64Array | Uint16Array | Uint32Array>(a: T, next: T): T => {
      next.set(a);
      return next;
    };
    this.startedAt = widen(this.startedAt, new Float64Array(cap));
    this.durationMs = widen(this.durationMs, new Float64Array(cap));
    this.status = widen(this.status, new Uint16Array(cap));
    this.retries = widen(this.retries, new Uint16Array(cap));
    this.refs = widen(this.refs, new Uint32Array(cap * REFS));
  }
}
