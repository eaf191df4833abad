import { type Dispatcher, errors, request } from 'undici';

export interface SendResult {
  ok: boolean;
  /** The receiver's HTTP status, when it answered. */
  status: number | null;
  /** Why the attempt failed, in a few words (never the receiver's body). */
  error: string | null;
}

const describe = (err: unknown): string => {
  if (err instanceof errors.HeadersTimeoutError || err instanceof errors.BodyTimeoutError) return 'timed out';
  if (err instanceof errors.ConnectTimeoutError) return 'connect timed out';
  if (err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError')) return 'timed out';
  const code = (err as { code?: string } | undefined)?.code;
  return code ? `connection failed (${code})` : 'connection failed';
};

/**
 * POSTs one signed delivery. Success is any 2xx answered within `timeoutMs`; the receiver's body
 * is read and dropped (up to a small cap). Redirects are not followed (a receiver must answer at
 * its own URL). Never throws.
 */
export async function sendWebhook(
  url: string,
  headers: Record<string, string>,
  body: string,
  opts: { timeoutMs: number; signal?: AbortSignal; dispatcher?: Dispatcher },
): Promise<SendResult> {
  const timeout = AbortSignal.timeout(opts.timeoutMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  try {
    const res = await request(url, {
      method: 'POST',
      headers,
      body,
      signal,
      headersTimeout: opts.timeoutMs,
      bodyTimeout: opts.timeoutMs,
      ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}),
    });
    await res.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
    const ok = res.statusCode >= 200 && res.statusCode < 300;
    return { ok, status: res.statusCode, error: ok ? null : `HTTP ${res.statusCode}` };
  } catch (err) {
    return { ok: false, status: null, error: describe(err) };
  }
}
