export { buildAuthorizeUrl } from './authorize-url.js';
export { isInsecureAllowed, type OAuthEndpoints, resolveEndpoints } from './endpoints.js';
export { OAuthGrantError, OAuthTransportError } from './errors.js';
export { createPkcePair, createState } from './pkce.js';
export { createTokenClient, type ProviderTokens, type TokenClient } from './token-client.js';
