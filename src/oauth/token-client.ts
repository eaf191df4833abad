import * as oauth from 'oauth4webapi';
import { Agent, type Dispatcher, fetch as undiciFetch } from 'undici';
import { resolveApiBaseUrl, tenantValuesFromTokenResponse } from '../providers/tenant.js';
import type { ClientAuth } from '../store/index.js';
import { createBearerCalls } from './bearer-calls.js';
import { isInsecureAllowed, type OAuthEndpoints } from './endpoints.js';
import { OAuthTransportError, translateOAuthError } from './errors.js';
import { reshapesTokenAnswers, reshapeTokenAnswer } from './token-response.js';

export interface OAuthClientCredentials {
  clientId: string;
  clientSecret: string | null;
}

/** Tokens as the provider returned them, normalised. */
export interface ProviderTokens {
  accessToken: string;
  /** undefined when the provider sent none (keep the stored one). */
  refreshToken: string | undefined;
  /** Granted scopes; undefined when the provider did not say. */
  scopes: string[] | undefined;
  expiresAt: number | null;
  refreshExpiresAt: number | null;
  /** Per-tenant values the provider sent (Salesforce `instance_url`, Atlassian `cloud_id`); undefined: none. */
  tenant?: Record<string, string> | undefined;
}

export interface TokenClientOptions {
  /** Whole-call timeout: once a request may have reached the provider, its answer is awaited this long. */
  timeoutMs: number;
  insecurePolicy: 'loopback' | 'always';
}

/** Connecting gets its own, shorter timeout, so "never reached the provider" is told apart from "no answer". */
const CONNECT_TIMEOUT_MS = 10_000;

function clientAuthFor(kind: ClientAuth, secret: string | null): oauth.ClientAuth {
  if (!secret || kind === 'none') return oauth.None();
  return kind === 'post' ? oauth.ClientSecretPost(secret) : oauth.ClientSecretBasic(secret);
}

/** What a token answer said before its quirks were straightened out (for tenant values). */
interface AnswerCapture {
  raw?: unknown;
}

/**
 * A token answer as the provider sent it, turned into the standard shape by the provider's named
 * quirks (oauth/token-response.ts). Providers without such quirks get the answer untouched.
 */
async function shapeAnswer(
  res: Response,
  endpoints: OAuthEndpoints,
  capture: AnswerCapture,
): Promise<Response> {
  const q = endpoints.quirks;
  const reshape = reshapesTokenAnswers(q);
  if (!reshape && !q.tenant?.fromTokenResponse) return res;
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return new Response(text, { status: res.status, headers: res.headers });
  }
  capture.raw = parsed;
  const shaped = reshape ? reshapeTokenAnswer(res.status, parsed, q) : { status: res.status, body: parsed };
  return new Response(JSON.stringify(shaped.body), {
    status: shaped.status,
    headers: { 'content-type': 'application/json' },
  });
}

function requestOptions(
  endpoints: OAuthEndpoints,
  opts: TokenClientOptions,
  agent: Dispatcher,
  capture?: AnswerCapture,
): oauth.TokenEndpointRequestOptions {
  return {
    signal: AbortSignal.timeout(opts.timeoutMs),
    [oauth.allowInsecureRequests]: isInsecureAllowed(endpoints.tokenUrl, opts.insecurePolicy),
    // undici's own fetch over a dedicated pool: connect errors carry their socket codes.
    [oauth.customFetch]: async (url, init) => {
      const res = (await undiciFetch(url, { ...(init as object), dispatcher: agent })) as unknown as Response;
      return capture ? shapeAnswer(res, endpoints, capture) : res;
    },
  };
}

function normalise(
  res: oauth.TokenEndpointResponse,
  endpoints: OAuthEndpoints,
  now: number,
  capture: AnswerCapture,
): ProviderTokens {
  // A `grantedScopeSeparator` quirk has already turned the list space-separated.
  const separator = endpoints.quirks.grantedScopeSeparator ? ' ' : endpoints.scopeSeparator;
  const refreshIn = typeof res.refresh_expires_in === 'number' ? res.refresh_expires_in : null;
  return {
    accessToken: res.access_token,
    refreshToken: res.refresh_token || undefined,
    scopes:
      res.scope === undefined
        ? undefined
        : res.scope.split(separator === ' ' ? /\s+/ : separator).filter(Boolean),
    expiresAt: typeof res.expires_in === 'number' ? now + res.expires_in * 1000 : null,
    refreshExpiresAt: refreshIn === null ? null : now + refreshIn * 1000,
    tenant: tenantValuesFromTokenResponse(endpoints.quirks.tenant, capture.raw),
  };
}

/**
 * A grant whose tenant values cannot complete the API base URL (a Salesforce `instance_url` that is
 * not a bare https origin, a cloud id that is not one path segment) is refused at once, not on the
 * first call.
 */
function checkTenant(endpoints: OAuthEndpoints, tenant: Record<string, string> | undefined): void {
  if (!endpoints.quirks.tenant) return;
  try {
    resolveApiBaseUrl(endpoints.apiBaseUrl, tenant ?? null);
  } catch {
    throw new OAuthTransportError('the provider sent no usable tenant values', 'invalid_response');
  }
}

/** Token endpoint calls over oauth4webapi; all failures leave as OAuthGrantError / OAuthTransportError. */
export function createTokenClient(opts: TokenClientOptions) {
  const pool = new Agent({
    connect: { timeout: Math.min(CONNECT_TIMEOUT_MS, opts.timeoutMs) },
    headersTimeout: opts.timeoutMs,
    bodyTimeout: opts.timeoutMs,
  });
  // Every call on a connection of its own, closed after the answer (`reset`: `Connection: close`).
  // A refresh sent on a kept-alive connection the provider (or a proxy in between) is just closing
  // fails after its bytes left, so its outcome is unknown and the refresh is recorded interrupted;
  // on a new connection a failure to connect means nothing was sent. Token calls are rare (once
  // per account per token lifetime), so reuse saved little.
  const agent: Dispatcher = pool.compose(
    (dispatch) => (o, handler) => dispatch({ ...o, reset: true }, handler),
  );
  const bearer = createBearerCalls(agent, opts);

  const as = (e: OAuthEndpoints): oauth.AuthorizationServer => ({
    issuer: new URL(e.tokenUrl).origin,
    authorization_endpoint: e.authorizeUrl,
    token_endpoint: e.tokenUrl,
  });

  return {
    async exchangeCode(input: {
      endpoints: OAuthEndpoints;
      credentials: OAuthClientCredentials;
      /** The callback's query parameters, as the provider sent them. */
      callbackParams: URLSearchParams;
      expectedState: string;
      redirectUri: string;
      codeVerifier: string | null;
    }): Promise<ProviderTokens> {
      const { endpoints, credentials } = input;
      const client: oauth.Client = { client_id: credentials.clientId };
      try {
        // Mix-up defence comes from the per-connection redirect URI; an `iss` the provider may add
        // is not compared with our synthetic issuer.
        const raw = new URLSearchParams(input.callbackParams);
        raw.delete('iss');
        const params = oauth.validateAuthResponse(as(endpoints), client, raw, input.expectedState);
        const now = Date.now();
        const capture: AnswerCapture = {};
        const response = await oauth.authorizationCodeGrantRequest(
          as(endpoints),
          client,
          clientAuthFor(endpoints.clientAuth, credentials.clientSecret),
          params,
          input.redirectUri,
          input.codeVerifier ?? oauth.nopkce,
          requestOptions(endpoints, opts, agent, capture),
        );
        const result = await oauth.processAuthorizationCodeResponse(as(endpoints), client, response);
        const tokens = normalise(result, endpoints, now, capture);
        const discovered = await bearer.discoverTenant(endpoints, tokens.accessToken);
        const tenant = discovered ? { ...tokens.tenant, ...discovered } : tokens.tenant;
        checkTenant(endpoints, tenant);
        return { ...tokens, tenant };
      } catch (err) {
        throw err instanceof OAuthTransportError ? err : translateOAuthError(err);
      }
    },

    async refresh(input: {
      endpoints: OAuthEndpoints;
      credentials: OAuthClientCredentials;
      refreshToken: string;
    }): Promise<ProviderTokens> {
      const { endpoints, credentials } = input;
      const client: oauth.Client = { client_id: credentials.clientId };
      try {
        const now = Date.now();
        const capture: AnswerCapture = {};
        const response = await oauth.refreshTokenGrantRequest(
          as(endpoints),
          client,
          clientAuthFor(endpoints.clientAuth, credentials.clientSecret),
          input.refreshToken,
          requestOptions(endpoints, opts, agent, capture),
        );
        const result = await oauth.processRefreshTokenResponse(as(endpoints), client, response);
        return normalise(result, endpoints, now, capture);
      } catch (err) {
        throw translateOAuthError(err);
      }
    },

    /**
     * RFC 7009: asks the provider to revoke a token (the refresh token revokes the whole grant at
     * most providers). Failures leave as OAuthGrantError / OAuthTransportError like the others.
     */
    async revoke(input: {
      endpoints: OAuthEndpoints;
      credentials: OAuthClientCredentials;
      revokeUrl: string;
      token: string;
      tokenTypeHint: 'refresh_token' | 'access_token';
    }): Promise<void> {
      const { endpoints, credentials } = input;
      const client: oauth.Client = { client_id: credentials.clientId };
      const server = { ...as(endpoints), revocation_endpoint: input.revokeUrl };
      try {
        const response = await oauth.revocationRequest(
          server,
          client,
          clientAuthFor(endpoints.clientAuth, credentials.clientSecret),
          input.token,
          {
            ...requestOptions({ ...endpoints, tokenUrl: input.revokeUrl }, opts, agent),
            additionalParameters: { token_type_hint: input.tokenTypeHint },
          },
        );
        await oauth.processRevocationResponse(response);
      } catch (err) {
        throw translateOAuthError(err);
      }
    },

    /** Revocation with the access token as bearer (Slack, Dropbox, Linear): oauth/bearer-calls.ts. */
    revokeBearer: bearer.revokeBearer,

    /** Closes the pooled connections to token endpoints. */
    close: () => pool.close(),
  };
}

export type TokenClient = ReturnType<typeof createTokenClient>;
