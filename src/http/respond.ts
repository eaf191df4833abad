import type { OutgoingHttpHeaders } from 'node:http';
import { Http2ServerResponse } from 'node:http2';
import { type AppError, gatewayErrorBody } from '../errors/index.js';
import type { HttpResponse } from './types.js';

/** Headers on every HTML page Latchkey renders: no scripts, no framing, no referrer, no caching. */
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";
const cspWith = (formTargets: string[]) => `${CSP}; form-action ${["'self'", ...formTargets].join(' ')}`;

export const HTML_SECURITY_HEADERS: Readonly<OutgoingHttpHeaders> = Object.freeze({
  'content-security-policy': cspWith([]),
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
});

/**
 * Writes a complete response (status, headers, body) on an HTTP/1.1 or HTTP/2 response.
 * When headers already went out, the response can no longer be answered cleanly: it is
 * ended (or destroyed, when a body was in flight) so the client sees a truncated reply.
 */
export function sendRaw(res: HttpResponse, status: number, headers: OutgoingHttpHeaders, body: Buffer): void {
  if (res.headersSent || res.writableEnded) {
    abandon(res);
    return;
  }
  const all: OutgoingHttpHeaders = { ...headers, 'content-length': body.length };
  if (res instanceof Http2ServerResponse) {
    res.writeHead(status, all);
    res.end(body);
    return;
  }
  // The request body was not (fully) read — e.g. it was too large: don't keep the connection.
  if (res.req && !res.req.complete) all.connection = 'close';
  res.writeHead(status, all);
  res.end(body);
}

function abandon(res: HttpResponse): void {
  if (res.writableEnded || res.destroyed) return;
  res.destroy();
}

export function sendJson(
  res: HttpResponse,
  status: number,
  body: unknown,
  headers: OutgoingHttpHeaders = {},
): void {
  const payload = Buffer.from(JSON.stringify(body), 'utf8');
  sendRaw(
    res,
    status,
    { 'content-type': 'application/json; charset=utf-8', 'x-content-type-options': 'nosniff', ...headers },
    payload,
  );
}

/**
 * An HTML page with the security headers (which `headers` cannot override). `formTargets`: origins
 * a form on the page may submit to or be redirected to after submitting, besides 'self' (browsers
 * apply `form-action` to the redirect that follows a POST, e.g. on to the provider's consent page).
 */
export function sendHtml(
  res: HttpResponse,
  status: number,
  html: string,
  headers: OutgoingHttpHeaders = {},
  formTargets: string[] = [],
): void {
  const security =
    formTargets.length === 0
      ? HTML_SECURITY_HEADERS
      : { ...HTML_SECURITY_HEADERS, 'content-security-policy': cspWith(formTargets) };
  sendRaw(
    res,
    status,
    { 'content-type': 'text/html; charset=utf-8', ...headers, ...security },
    Buffer.from(html, 'utf8'),
  );
}

/** Latchkey's own failure: status from the error table, gateway JSON body, `x-latchkey-error: <code>`. */
export function sendAppError(res: HttpResponse, err: AppError): void {
  const retryAfter = err.retryAfterSec;
  sendJson(res, err.httpStatus, gatewayErrorBody(err), {
    'x-latchkey-error': err.code,
    'cache-control': 'no-store',
    ...(retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) }),
  });
}
