import type { Dispatcher } from 'undici';
import type { HttpResponse } from '../../http/types.js';

/** One preallocated reason: a hang-up costs no allocation (and no AbortSignal exists at all). */
export const CLIENT_GONE = Object.freeze(new Error('the client closed the connection'));

/**
 * Ties the upstream request's lifetime to the caller's without an AbortController: one 'close'
 * listener on the response, and undici's own abort hook (the dispatch controller) for the request
 * in flight. AbortSignals are expensive in Node 20 (each gets its own hidden class and promotes
 * ~15–20 KB to the old generation), so none is created per request (docs/benchmarks.md).
 */
export class ClientLink {
  gone = false;
  private upstream: Dispatcher.DispatchController | undefined;
  /** Ends a `pause` early (set only while one runs). */
  private wake: (() => void) | undefined;

  constructor(private readonly res: HttpResponse) {
    // The response closes once: `on` spares the wrapper `once` would allocate per request.
    res.on('close', this.onClose);
  }

  private readonly onClose = (): void => {
    if (this.res.writableFinished) return;
    this.gone = true;
    this.upstream?.abort(CLIENT_GONE);
    this.wake?.();
  };

  /** The upstream request now in flight (undefined once it settled). Aborted at once if the client already left. */
  attach(controller: Dispatcher.DispatchController | undefined): void {
    this.upstream = controller;
    if (controller && this.gone) controller.abort(CLIENT_GONE);
  }

  /** Waits `ms` (a retry's backoff), or less: it ends as soon as the client leaves. */
  pause(ms: number): Promise<void> {
    if (this.gone) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.wake?.(), ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
    });
  }
}
