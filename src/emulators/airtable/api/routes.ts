import { handleUploadAttachment } from './attachments.js';
import { handleBaseSchema, handleListBases } from './bases.js';
import {
  handleCreateComment,
  handleDeleteComment,
  handleListComments,
  handleUpdateComment,
} from './comments.js';
import { handleCreateRecords } from './create-records.js';
import { handleDeleteRecord, handleDeleteRecords } from './delete-records.js';
import { handleGetRecord, handleListRecords } from './records.js';
import {
  handleCreateField,
  handleCreateTable,
  handleUpdateField,
  handleUpdateTable,
} from './schema-write.js';
import type { ApiRoute } from './types.js';
import { handleUpdateRecord, handleUpdateRecords } from './update-records.js';
import { handleDeleteBase, handleDeleteView, handleGetView } from './views.js';
import {
  handleCreateWebhook,
  handleDeleteWebhook,
  handleEnableNotifications,
  handleListPayloads,
  handleListWebhooks,
  handleRefreshWebhook,
} from './webhooks.js';
import { handleWhoami } from './whoami.js';

const HOOK = 'bases/:baseId/webhooks/:webhookId';
const RECORD = ':baseId/:table/:recordId';

/** The Web API subset the emulator serves (paths under /v0). `:baseId` routes are rate-limited per base. */
export const ROUTES: ApiRoute[] = [
  { method: 'GET', pattern: 'meta/whoami', run: handleWhoami },
  { method: 'GET', pattern: 'meta/bases', run: handleListBases },
  { method: 'DELETE', pattern: 'meta/bases/:baseId', run: handleDeleteBase },
  { method: 'GET', pattern: 'meta/bases/:baseId/tables', run: handleBaseSchema },
  { method: 'POST', pattern: 'meta/bases/:baseId/tables', run: handleCreateTable },
  { method: 'PATCH', pattern: 'meta/bases/:baseId/tables/:table', run: handleUpdateTable },
  { method: 'POST', pattern: 'meta/bases/:baseId/tables/:table/fields', run: handleCreateField },
  { method: 'PATCH', pattern: 'meta/bases/:baseId/tables/:table/fields/:fieldId', run: handleUpdateField },
  { method: 'GET', pattern: 'meta/bases/:baseId/views/:viewId', run: handleGetView },
  { method: 'DELETE', pattern: 'meta/bases/:baseId/views/:viewId', run: handleDeleteView },
  { method: 'GET', pattern: 'bases/:baseId/webhooks', run: handleListWebhooks },
  { method: 'POST', pattern: 'bases/:baseId/webhooks', run: handleCreateWebhook },
  { method: 'DELETE', pattern: HOOK, run: handleDeleteWebhook },
  { method: 'POST', pattern: `${HOOK}/refresh`, run: handleRefreshWebhook },
  { method: 'POST', pattern: `${HOOK}/enableNotifications`, run: handleEnableNotifications },
  { method: 'GET', pattern: `${HOOK}/payloads`, run: handleListPayloads },
  { method: 'GET', pattern: ':baseId/:table', run: handleListRecords },
  { method: 'POST', pattern: ':baseId/:table', run: handleCreateRecords },
  { method: 'PATCH', pattern: ':baseId/:table', run: handleUpdateRecords },
  { method: 'PUT', pattern: ':baseId/:table', run: handleUpdateRecords },
  { method: 'DELETE', pattern: ':baseId/:table', run: handleDeleteRecords },
  { method: 'GET', pattern: RECORD, run: handleGetRecord },
  { method: 'PATCH', pattern: RECORD, run: handleUpdateRecord },
  { method: 'PUT', pattern: RECORD, run: handleUpdateRecord },
  { method: 'DELETE', pattern: RECORD, run: handleDeleteRecord },
  { method: 'GET', pattern: `${RECORD}/comments`, run: handleListComments },
  { method: 'POST', pattern: `${RECORD}/comments`, run: handleCreateComment },
  { method: 'PATCH', pattern: `${RECORD}/comments/:commentId`, run: handleUpdateComment },
  { method: 'DELETE', pattern: `${RECORD}/comments/:commentId`, run: handleDeleteComment },
  { method: 'POST', pattern: ':baseId/:recordId/:field/uploadAttachment', run: handleUploadAttachment },
];
