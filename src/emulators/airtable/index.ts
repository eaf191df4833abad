/**
 * Airtable emulator: a faithful local stand-in for Airtable's OAuth 2.0 server and a Web API
 * subset, for dev, demos and integration tests. In memory, single process.
 */

export { contentMac } from './api/webhook-events.js';
export { CONSENT_FIELDS, CONSENT_PATH } from './consent-page.js';
export { DEMO_USER } from './options.js';
export { BASIC_SCOPES } from './scopes.js';
export type { BaseModel, RecordModel, TableModel } from './seed.js';
export { SEED_IDS, TASK_COUNT } from './seed.js';
export { startAirtableEmulator } from './server.js';
export {
  buildAuthorizeUrl,
  createPkcePair,
  obtainTokens,
  postToken,
  randomState,
  submitConsent,
  type TokenResponse,
} from './testing.js';
export type {
  AirtableEmulator,
  AirtableEmulatorOptions,
  EmulatorData,
  EmulatorStats,
  EmulatorUser,
  SeededPair,
  SeedGrantsOptions,
} from './types.js';
export type { WebhookModel } from './webhook-store.js';
