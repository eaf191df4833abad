import { z } from 'zod';
import { sendApiError, sendInvalidRequest, sendJson } from '../errors.js';
import { randomId } from '../ids.js';
import type { AttachmentModel, RecordModel, TableModel } from '../seed.js';
import { grantedBase, hasScope } from './access.js';
import { guardBody, readJsonBody } from './json-body.js';
import { sendRecordNotFound } from './records.js';
import { serializeRecord } from './serialize.js';
import type { ApiCall } from './types.js';
import { notifyRecordChanges } from './webhook-events.js';

/** Airtable's limit for this endpoint; larger files must be given as a URL. */
export const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;
/** Base64 grows 4/3; plus room for the JSON around it. */
const MAX_BODY_BYTES = Math.ceil((MAX_ATTACHMENT_BYTES * 4) / 3) + 64 * 1024;

const bodySchema = z.object({
  contentType: z.string().min(1),
  file: z.string().min(1),
  filename: z.string().min(1),
});

function findRecordInBase(
  tables: TableModel[],
  id: string,
): { table: TableModel; record: RecordModel } | undefined {
  for (const table of tables) {
    const record = table.records.find((r) => r.id === id);
    if (record) return { table, record };
  }
  return undefined;
}

/**
 * POST /v0/{baseId}/{recordId}/{attachmentFieldIdOrName}/uploadAttachment (Airtable serves it on
 * content.airtable.com) with `{contentType, file: base64, filename}`: appends the file to the
 * record's attachment field; the answer's fields are keyed by field id.
 */
export async function handleUploadAttachment(call: ApiCall): Promise<void> {
  const { ctx, access, res, params } = call;
  const body = await readJsonBody(call.req, MAX_BODY_BYTES);
  const base = grantedBase(ctx, access, params.baseId ?? '');
  const allowed = base !== undefined && hasScope(access, 'data.records:write');
  if (!guardBody(body, allowed, res) || !base) return;
  const parsed = bodySchema.safeParse(body.json);
  if (!parsed.success) return sendInvalidRequest(res);
  const found = findRecordInBase(base.tables, params.recordId ?? '');
  if (!found) return sendRecordNotFound(call);
  const { table, record } = found;
  const field =
    table.fields.find((f) => f.id === params.field) ?? table.fields.find((f) => f.name === params.field);
  if (!field) return sendApiError(res, 422, 'UNKNOWN_FIELD_NAME', `Unknown field name: "${params.field}"`);
  if (field.type !== 'multipleAttachments') {
    return sendApiError(
      res,
      422,
      'INVALID_VALUE_FOR_COLUMN',
      `Field "${field.name}" is not an attachment field`,
    );
  }
  const bytes = Buffer.from(parsed.data.file, 'base64');
  if (bytes.length === 0) return sendInvalidRequest(res);
  if (bytes.length > MAX_ATTACHMENT_BYTES) {
    return sendApiError(
      res,
      422,
      'INVALID_ATTACHMENT_SIZE',
      'Attachments uploaded this way may be at most 5 MB',
    );
  }
  const id = randomId('att');
  const attachment: AttachmentModel = {
    id,
    url: `${ctx.url}/_emulator/attachments/${id}`,
    filename: parsed.data.filename,
    size: bytes.length,
    type: parsed.data.contentType,
  };
  ctx.attachments.set(id, { bytes, type: parsed.data.contentType });
  const current = record.fields[field.name];
  record.fields[field.name] = [...(Array.isArray(current) ? current : []), attachment];
  notifyRecordChanges(ctx, base.id, table, { changed: [record] });
  sendJson(res, 200, serializeRecord(record, { byIdOf: table }));
}
