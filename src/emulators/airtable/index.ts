/**
 * Airtable emulator: a faithful local stand-in for Airtable's OAuth 2.0 server and a Web API
 * subset, for dev, demos and integration tests. In memory, single process.
 */
export { CONSENT_FIELDS, CONSENT_PATH } from './consent-page.js';
export { DEMO_USER } from './options.js';
export { BASIC_SCOPES } from './scopes.js';
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
export type { AirtableEmulator, AirtableEmulatorOptions, EmulatorStats, EmulatorUser } from './types.js';
