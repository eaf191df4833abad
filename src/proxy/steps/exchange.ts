import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import type { AppError } from '../../errors/index.js';
import type { HttpResponse } from '../../http/types.js';
import type { ClientLink } from './client-abort.js';
import type { HoldBack } from './retry-policy.js';
import { responseHeaders } from './stream-response.js';
import { translateUpstreamError } from './upstream-errors.js';

const DONE = Promise.resolve();

/** An answer that may be retried is held back up to this size; a bigger one is passed on as it comes. */
export const HELD_LIMIT_BYTES = 64 * 1024;

/**
 * One provider request whose answer streams straight into the client's response (undici
 * `dispatch()` with a handler; no Readable in between): status and headers are written when they
 * arrive, each chunk is written as it comes, and when the client's socket is full the upstream is
 * paused until it drains (backpressure end to end, constant memory for any size). An answer whose
 * status the caller may retry (`holdBack`: a 401 before a token refresh, a 429 or 5xx under the
 * retry policy) is held in memory instead — up to HELD_LIMIT_BYTES — so it can be dropped or passed
 * on once the retry is decided.
 *
 * `started` resolves when the caller can decide: the answer is streaming (`final`), or a held one
 * is complete; it rejects (AppError) if the provider failed before anything was written.
 * `done` resolves when the exchange is over, whatever happened.
 */
export class UpstreamExchange implements Dispatcher.DispatchHandler {
  statusCode = 0;
  /** True once the status and headers went to the client: the answer can no longer be retried. */
  final = false;
  readonly started: Promise<UpstreamExchange>;
  /** The exchange is over (answer sent, cut, or dropped); `done` is only made when awaited before that. */
  private over = false;
  private waitingDone: Promise<void> | undefined;
  private held: { headers: IncomingHttpHeaders; chunks: Buffer[]; size: number } | undefined;
  private settleStart!: (value: UpstreamExchange | AppError) => void;
  private finishWaiter: (() => void) | undefined;
  /** Resumes the upstream once the client's socket drained (made on the first backpressure). */
  private drained: (() => void) | undefined;
  private controller: Dispatcher.DispatchController | undefined;
  /** `res.write` of either response type (HTTP/1.1 and HTTP/2 differ only in their overloads). */
  private readonly out: { write(chunk: Buffer): boolean };

  constructor(
    private readonly res: HttpResponse,
    private readonly client: ClientLink,
    private readonly holdBack: HoldBack | undefined,
  ) {
    this.started = new Promise((resolve, reject) => {
      this.settleStart = (v) => (v instanceof UpstreamExchange ? resolve(v) : reject(v));
    });
    this.out = res as unknown as { write(chunk: Buffer): boolean };
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    this.client.attach(controller);
  }

  onResponseStart(_c: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    this.statusCode = statusCode;
    if (this.holdBack?.(statusCode)) {
      this.held = { headers, chunks: [], size: 0 };
      return;
    }
    this.writeHead(headers);
    this.settleStart(this);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    const held = this.held;
    if (held !== undefined && !this.final) {
      held.chunks.push(chunk);
      held.size += chunk.length;
      if (held.size > HELD_LIMIT_BYTES) {
        this.flushHeld();
        this.settleStart(this);
      }
      return;
    }
    if (!this.out.write(chunk)) {
      controller.pause();
      this.drained ??= () => this.controller?.resume();
      this.res.once('drain', this.drained);
    }
  }

  onResponseEnd(): void {
    this.client.attach(undefined);
    if (this.held !== undefined && !this.final) {
      this.settleStart(this);
      return;
    }
    this.res.end();
    this.finish();
  }

  onResponseError(_c: Dispatcher.DispatchController, err: Error): void {
    this.client.attach(undefined);
    this.held = undefined;
    if (!this.final) this.settleStart(translateUpstreamError(err));
    // Mid-body: the client sees a cut response rather than a wrong one.
    else if (!this.res.writableEnded) this.res.destroy();
    this.finish();
  }

  /** Resolves when the exchange is over, whatever happened. */
  get done(): Promise<void> {
    if (this.over) return DONE;
    this.waitingDone ??= new Promise((resolve) => {
      this.finishWaiter = resolve;
    });
    return this.waitingDone;
  }

  private finish(): void {
    this.over = true;
    this.finishWaiter?.();
  }

  /** A header of the held answer (undefined when nothing is held). */
  heldHeader(name: string): string | string[] | undefined {
    return this.held?.headers[name];
  }

  /** Sends a held (complete) answer to the client as the provider gave it. */
  passOn(): Promise<void> {
    if (this.held !== undefined && !this.final) {
      this.flushHeld();
      this.res.end();
      this.finish();
    }
    return this.done;
  }

  /** Forgets a held answer (it will not be sent). */
  drop(): void {
    this.held = undefined;
    this.finish();
  }

  private writeHead(headers: IncomingHttpHeaders): void {
    this.final = true;
    this.res.writeHead(this.statusCode, responseHeaders(headers));
  }

  private flushHeld(): void {
    const held = this.held!;
    this.held = undefined;
    this.writeHead(held.headers);
    for (const chunk of held.chunks) this.out.write(chunk);
  }
}
