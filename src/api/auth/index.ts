export { authenticateBearer, bearerCandidates } from './bearer.js';
export { createKeysEndpoint } from './keys-endpoint.js';
export { createTokenEndpoint } from './token-endpoint.js';
export { createTokenIssuer, type TokenIssuer } from './token-issuer.js';
