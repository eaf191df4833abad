import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ProviderDefinition } from '../../providers/index.js';
import { api, EMULATED_CLOUD_ID } from './api-routes.js';
import { authorize, consent, type OAuthRouteContext, PATHS, revoke, token } from './oauth-routes.js';
import { profileOf } from './profile.js';
import { createState, type Recorded } from './state.js';

export interface OAuth2EmulatorOptions {
  /** The definition whose token shapes and quirks the emulator imitates. */
  provider: ProviderDefinition;
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  /** Default 3600. */
  accessTokenTtlSec?: number;
  /** Skip the consent page: authorize redirects straight back with a code. */
  autoApprove?: boolean;
  /** Sites the discovery path lists (Atlassian accessible resources); default one, EMULATED_CLOUD_ID. */
  sites?: Array<{ id: string }>;
  /** What token answers give as the tenant URL (Salesforce `instance_url`); default the emulator's origin. */
  tenantUrl?: string;
}

export interface OAuth2Emulator {
  authorizeUrl: string;
  tokenUrl: string;
  /** null when the provider has no revocation Latchkey calls. */
  revokeUrl: string | null;
  /** The provider's API base on the emulator; `{name}` placeholders kept (filled per account). */
  apiBaseUrl: string;
  origin: string;
  recorded: Recorded;
  stats(): {
    authorizations: number;
    codeExchanges: number;
    refreshes: number;
    refreshTokenReuses: number;
    apiCalls: number;
    revocations: number;
  };
  /** Every access token stops working now (the next API call gets 401; a refresh fixes it). */
  expireAccessTokens(): void;
  /** The user revokes every grant at the provider: tokens and refresh tokens die. */
  revokeAllGrants(): void;
  close(): Promise<void>;
}

/**
 * The provider's API base URL moved onto the emulator: its path and placeholders kept
 * (`…/ex/jira/{cloud_id}`); a base that is one placeholder (`{instance_url}`) stays as it is,
 * filled from the emulator's answer.
 */
function emulatedBase(template: string, origin: string): string {
  if (/^\{[a-z_]+\}$/.test(template)) return template;
  const path = template.replace(/^https?:\/\/[^/]+/, '');
  return `${origin}${path}`;
}

/**
 * A generic OAuth 2.0 provider emulator on 127.0.0.1:0, configured by a provider definition: the
 * authorize parameters it expects, client authentication, token answer shape (nesting, expiry,
 * scope separator, errors with 200), rotation, per-tenant URLs and revocation all follow the
 * definition's quirks. Every request is recorded for tests.
 */
export async function startOAuth2Emulator(opts: OAuth2EmulatorOptions): Promise<OAuth2Emulator> {
  const profile = profileOf(opts.provider);
  const state = createState();
  const ctx: OAuthRouteContext = {
    profile,
    state,
    origin: '',
    accessTokenTtlSec: opts.accessTokenTtlSec ?? 3600,
    client: { id: opts.clientId, secret: opts.clientSecret, redirectUris: opts.redirectUris },
    autoApprove: opts.autoApprove ?? false,
    sites: opts.sites ?? [{ id: EMULATED_CLOUD_ID }],
    tenantUrl: opts.tenantUrl,
  };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', ctx.origin);
    const route = `${req.method} ${url.pathname}`;
    const done = (p: Promise<void> | void) =>
      Promise.resolve(p).catch(() => {
        if (!res.headersSent) res.writeHead(500).end();
      });
    if (route === `GET ${PATHS.authorize}`) return done(authorize(ctx, url, res));
    if (route === `POST ${PATHS.consent}`) return done(consent(ctx, req, res));
    if (route === `POST ${PATHS.token}`) return done(token(ctx, req, res));
    if (route === `POST ${PATHS.revoke}`) return done(revoke(ctx, req, res));
    return done(api(ctx, req, url, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  ctx.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    authorizeUrl: ctx.origin + PATHS.authorize,
    tokenUrl: ctx.origin + PATHS.token,
    revokeUrl: profile.revokeStyle === 'none' ? null : ctx.origin + PATHS.revoke,
    apiBaseUrl: emulatedBase(opts.provider.apiBaseUrl, ctx.origin),
    origin: ctx.origin,
    recorded: state.recorded,
    stats: () => ({ ...state.stats }),
    expireAccessTokens() {
      for (const t of state.accessTokens.values()) t.expiresAt = 0;
    },
    revokeAllGrants() {
      for (const t of [...state.accessTokens.values(), ...state.refreshTokens.values()]) t.grant.live = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
