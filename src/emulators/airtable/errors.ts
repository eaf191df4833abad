import type { ServerResponse } from 'node:http';

/** Writes a JSON response (never cached). */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(text);
}

/** `{"error":"NOT_FOUND"}`: Airtable's body for unknown paths. */
export function sendNotFound(res: ServerResponse): void {
  sendJson(res, 404, { error: 'NOT_FOUND' });
}

/** Web API error body `{"error":{"type","message"}}` (message omitted when undefined). */
export function sendApiError(res: ServerResponse, status: number, type: string, message?: string): void {
  sendJson(res, status, { error: message === undefined ? { type } : { type, message } });
}

export const API_MESSAGES = {
  AUTHENTICATION_REQUIRED: 'Authentication required',
  INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND:
    'Invalid permissions, or the requested model was not found. Check that both your user and your token have the required permissions, and that the model names and/or ids are correct.',
  INVALID_REQUEST_UNKNOWN: 'Invalid request: parameter validation failed. Check your request data.',
  RATE_LIMIT_REACHED: 'Rate limit exceeded. Please try again later',
  INVALID_REQUEST_BODY: 'Could not parse request body',
} as const;

export function sendAuthRequired(res: ServerResponse): void {
  sendApiError(res, 401, 'AUTHENTICATION_REQUIRED', API_MESSAGES.AUTHENTICATION_REQUIRED);
}

export function sendForbidden(res: ServerResponse): void {
  sendApiError(
    res,
    403,
    'INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND',
    API_MESSAGES.INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND,
  );
}

export function sendInvalidRequest(res: ServerResponse): void {
  sendApiError(res, 422, 'INVALID_REQUEST_UNKNOWN', API_MESSAGES.INVALID_REQUEST_UNKNOWN);
}

export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'invalid_scope'
  | 'unsupported_grant_type';

/**
 * Token endpoint error: 401 for invalid_client, 400 otherwise. No WWW-Authenticate challenge:
 * Airtable's docs show none, and clients such as oauth4webapi treat one as a different error.
 */
export function sendOAuthError(res: ServerResponse, error: OAuthErrorCode, description: string): void {
  const status = error === 'invalid_client' ? 401 : 400;
  sendJson(res, status, { error, error_description: description }, { Pragma: 'no-cache' });
}
