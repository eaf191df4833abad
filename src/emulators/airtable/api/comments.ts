import { z } from 'zod';
import { sendApiError, sendForbidden, sendInvalidRequest, sendJson } from '../errors.js';
import { randomId } from '../ids.js';
import type { CommentModel, RecordModel } from '../seed.js';
import { guardBody, readJsonBody } from './json-body.js';
import { accessibleTable, findRecord, positiveInt, sendRecordNotFound } from './records.js';
import type { ApiCall } from './types.js';

const READ = 'data.recordComments:read';
const WRITE = 'data.recordComments:write';
const MAX_PAGE_SIZE = 100;

const createSchema = z.object({ text: z.string().min(1), parentCommentId: z.string().optional() });
const updateSchema = z.object({ text: z.string().min(1) });

function view(call: ApiCall, c: CommentModel) {
  const { user } = call.ctx.config;
  return {
    id: c.id,
    author: { id: user.id, email: user.email, ...(user.name ? { name: user.name } : {}) },
    text: c.text,
    createdTime: c.createdTime,
    lastUpdatedTime: c.lastUpdatedTime,
    ...(c.parentCommentId ? { parentCommentId: c.parentCommentId } : {}),
  };
}

/** The record behind `:recordId` if the token may use its comments with `scope`; else the answer was sent. */
function recordFor(call: ApiCall, scope: string): RecordModel | undefined {
  const table = accessibleTable(call, scope);
  if (!table) {
    sendForbidden(call.res);
    return undefined;
  }
  const record = findRecord(table, call.params.recordId);
  if (!record) sendRecordNotFound(call);
  return record;
}

function sendCommentNotFound(call: ApiCall): void {
  sendApiError(call.res, 404, 'NOT_FOUND', 'Could not find a comment with that id');
}

/** GET /v0/{baseId}/{table}/{recordId}/comments: newest first, pageSize ≤ 100, `offset` = next comment id. */
export function handleListComments(call: ApiCall) {
  const record = recordFor(call, READ);
  if (!record) return;
  const pageSize = positiveInt(call.url.searchParams.get('pageSize'));
  if (pageSize === null || (pageSize ?? 0) > MAX_PAGE_SIZE) return sendInvalidRequest(call.res);
  const newestFirst = [...(record.comments ?? [])].reverse();
  const offset = call.url.searchParams.get('offset');
  const start = offset === null ? 0 : newestFirst.findIndex((c) => c.id === offset);
  if (start < 0) return sendInvalidRequest(call.res);
  const size = pageSize ?? MAX_PAGE_SIZE;
  const page = newestFirst.slice(start, start + size);
  const next = newestFirst[start + size];
  sendJson(call.res, 200, { comments: page.map((c) => view(call, c)), ...(next ? { offset: next.id } : {}) });
}

/** POST /v0/{baseId}/{table}/{recordId}/comments with `{text, parentCommentId?}`. */
export async function handleCreateComment(call: ApiCall): Promise<void> {
  const body = await readJsonBody(call.req);
  if (!guardBody(body, accessibleTable(call, WRITE) !== undefined, call.res)) return;
  const parsed = createSchema.safeParse(body.json);
  if (!parsed.success) return sendInvalidRequest(call.res);
  const record = recordFor(call, WRITE);
  if (!record) return;
  const parent = parsed.data.parentCommentId;
  if (parent !== undefined && !record.comments?.some((c) => c.id === parent))
    return sendCommentNotFound(call);
  const comment: CommentModel = {
    id: randomId('com'),
    text: parsed.data.text,
    createdTime: new Date(call.ctx.now()).toISOString(),
    lastUpdatedTime: null,
    ...(parent ? { parentCommentId: parent } : {}),
  };
  record.comments = [...(record.comments ?? []), comment];
  sendJson(call.res, 200, view(call, comment));
}

/** PATCH /v0/{baseId}/{table}/{recordId}/comments/{commentId} with `{text}`. */
export async function handleUpdateComment(call: ApiCall): Promise<void> {
  const body = await readJsonBody(call.req);
  if (!guardBody(body, accessibleTable(call, WRITE) !== undefined, call.res)) return;
  const parsed = updateSchema.safeParse(body.json);
  if (!parsed.success) return sendInvalidRequest(call.res);
  const record = recordFor(call, WRITE);
  if (!record) return;
  const comment = record.comments?.find((c) => c.id === call.params.commentId);
  if (!comment) return sendCommentNotFound(call);
  comment.text = parsed.data.text;
  comment.lastUpdatedTime = new Date(call.ctx.now()).toISOString();
  sendJson(call.res, 200, view(call, comment));
}

/** DELETE /v0/{baseId}/{table}/{recordId}/comments/{commentId} */
export function handleDeleteComment(call: ApiCall) {
  const record = recordFor(call, WRITE);
  if (!record) return;
  const id = call.params.commentId;
  if (!record.comments?.some((c) => c.id === id)) return sendCommentNotFound(call);
  record.comments = record.comments.filter((c) => c.id !== id);
  sendJson(call.res, 200, { id, deleted: true });
}
