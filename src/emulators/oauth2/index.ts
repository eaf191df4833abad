/**
 * Generic OAuth 2.0 provider emulator: imitates any provider definition's token shapes and quirks
 * (for tests of the built-in catalog, and for trying a new definition offline).
 */
export { EMULATED_CLOUD_ID } from './api-routes.js';
export { PATHS as OAUTH2_EMULATOR_PATHS } from './oauth-routes.js';
export { type EmulatorProfile, profileOf } from './profile.js';
export { type OAuth2Emulator, type OAuth2EmulatorOptions, startOAuth2Emulator } from './server.js';
export type { Recorded } from './state.js';
