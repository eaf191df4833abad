export { authenticateBearer, authenticateBearerNow, bearerCandidates } from './bearer.js';
export { createKeysEndpoint } from './keys-endpoint.js';
export {
  type ClientScopes,
  DEFAULT_SCOPES,
  hasScope,
  mayUseConnection,
  parseScopes,
  requireScope,
  SCOPES,
  type Scope,
} from './scopes.js';
export { createTokenEndpoint } from './token-endpoint.js';
export { createTokenIssuer, type Principal, type TokenIssuer } from './token-issuer.js';
