import type { IncomingMessage, ServerResponse } from 'node:http';
import { API_MESSAGES, sendApiError, sendForbidden } from '../errors.js';
import { readBody } from '../http-util.js';

export type JsonBody =
  | { ok: true; json: unknown }
  | { ok: false; tooLarge: boolean; reply: (res: ServerResponse) => void };

/**
 * Reads a JSON request body the way Airtable answers: 413 beyond the size limit, 422
 * INVALID_REQUEST_BODY when it does not parse. Airtable checks permissions between reading and
 * parsing: use `guardBody` for that order.
 */
export async function readJsonBody(req: IncomingMessage, limit?: number): Promise<JsonBody> {
  const body = await readBody(req, limit);
  if (!body.ok) {
    return {
      ok: false,
      tooLarge: true,
      reply: (res) => sendApiError(res, 413, 'REQUEST_ENTITY_TOO_LARGE', 'Request body is too large'),
    };
  }
  const text = body.body.toString('utf8');
  if (text.trim() === '') return { ok: true, json: {} };
  try {
    return { ok: true, json: JSON.parse(text) as unknown };
  } catch {
    return {
      ok: false,
      tooLarge: false,
      reply: (res) => sendApiError(res, 422, 'INVALID_REQUEST_BODY', API_MESSAGES.INVALID_REQUEST_BODY),
    };
  }
}

/** Airtable's 422 for a batch over the limit. */
export function tooManyRecords(res: ServerResponse, verb: string, n: number, max: number): void {
  sendApiError(
    res,
    422,
    'INVALID_RECORDS',
    `A maximum of ${max} records can be ${verb} per request but you have provided ${n}.`,
  );
}

/** 413 first, then the permission check (403), then 422 for a body that does not parse. */
export function guardBody(
  body: JsonBody,
  allowed: boolean,
  res: ServerResponse,
): body is { ok: true; json: unknown } {
  if (!body.ok && body.tooLarge) {
    body.reply(res);
    return false;
  }
  if (!allowed) {
    sendForbidden(res);
    return false;
  }
  if (!body.ok) {
    body.reply(res);
    return false;
  }
  return true;
}
