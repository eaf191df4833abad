import type { HttpResponse } from '../../http/types.js';

export interface ClientWatch {
  /** Aborted when the caller goes away before the response is complete. */
  signal: AbortSignal;
  readonly gone: boolean;
  dispose(): void;
}

/** Ties the upstream request's lifetime to the caller's: a hang-up aborts the provider call. */
export function watchClient(res: HttpResponse): ClientWatch {
  const controller = new AbortController();
  const onClose = () => {
    if (!res.writableFinished) controller.abort();
  };
  res.once('close', onClose);
  return {
    signal: controller.signal,
    get gone() {
      return controller.signal.aborted;
    },
    dispose: () => res.off('close', onClose),
  };
}
