import { request } from 'undici';
import { browse } from '../test/helpers/authorize.js';
import type { EmulatorApi } from './emulator-child.js';
import type { ForwarderApi } from './forwarder-child.js';
import type { Child } from './ipc.js';
import type { LatchkeyApi } from './latchkey-child.js';

export const CONNECTION_NAME = 'airtable';
export const BENCH_USER = 'bench-user';

export interface Bench {
  lk: Child<LatchkeyApi>;
  emu: Child<EmulatorApi>;
  fwd: Child<ForwarderApi>;
  latchkeyUrl: string;
  emulatorUrl: string;
  forwarderUrl: string;
  forwarderH2Url: string;
  /** The app's bearer JWT from POST /oauth/token. */
  jwt: string;
  /** BENCH_USER's Airtable access token, for the direct baseline. */
  userToken: string;
  /** Accounts reserved for the refresh storm. */
  stormIds: string[];
}

/** client_credentials at Latchkey's token endpoint, exactly as an SDK does it. */
async function fetchJwt(latchkeyUrl: string, clientId: string, secret: string): Promise<string> {
  const res = await request(`${latchkeyUrl}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: secret,
    }).toString(),
  });
  const body = (await res.body.json()) as { access_token?: string };
  if (res.statusCode !== 200 || !body.access_token) throw new Error(`POST /oauth/token: ${res.statusCode}`);
  return body.access_token;
}

/**
 * Wires Latchkey to the emulator the way test/helpers/latchkey.ts does (connection first — its
 * id fixes the redirect URI — then the emulator, then the URL overrides), then authorizes every
 * account through the real OAuth flow (link → consent → callback) without a browser. The bare
 * forwarder points at the emulator.
 */
export async function setUp(
  children: Pick<Bench, 'lk' | 'emu' | 'fwd'>,
  stormAccounts: number,
  latchkeyStart: Parameters<LatchkeyApi['start']>[0] = {},
  emulatorStart: { tokenRateLimitPerSecond?: number } = {},
): Promise<Bench> {
  const { lk, emu, fwd } = children;
  const { url: latchkeyUrl } = await lk.call('start', latchkeyStart);
  const conn = await lk.call('createConnection');
  const em = await emu.call('start', {
    clientId: conn.clientId,
    clientSecret: conn.clientSecret,
    redirectUris: [conn.redirectUri],
    ...emulatorStart,
  });
  const { url: forwarderUrl, h2Url: forwarderH2Url } = await fwd.call('start', { upstream: em.url });
  await lk.call('pointConnection', {
    connectionId: conn.connectionId,
    authorizeUrl: em.authorizeUrl,
    tokenUrl: em.tokenUrl,
    apiBaseUrl: em.apiBaseUrl,
  });

  const stormIds = Array.from({ length: stormAccounts }, (_, i) => `storm-${i}`);
  for (const identifier of [BENCH_USER, ...stormIds]) {
    const page = await browse(await lk.call('link', identifier), { decision: 'approve' });
    const account = await lk.call('account', identifier);
    if (page.status !== 200 || account.status !== 'ACTIVE') {
      throw new Error(`authorizing ${identifier} failed: page ${page.status}, account ${account.status}`);
    }
  }

  const api = await lk.call('apiClient');
  const jwt = await fetchJwt(latchkeyUrl, api.clientId, api.secret);
  const userToken = await lk.call('accessToken', BENCH_USER);
  return {
    ...children,
    latchkeyUrl,
    emulatorUrl: em.url,
    forwarderUrl,
    forwarderH2Url,
    jwt,
    userToken,
    stormIds,
  };
}
