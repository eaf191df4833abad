import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  generateKeyPair,
  importJWK,
  type JWK,
  jwtVerify,
  SignJWT,
} from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Config, loadConfig, withListenAddress } from '../../config/config.js';
import { AppError, toAppError } from '../../errors/index.js';
import { createOnePortServer, type OnePortServer } from '../../http/listener.js';
import { sendAppError } from '../../http/respond.js';
import { createRouter, type Router } from '../../http/router.js';
import { createLogger } from '../../log/logger.js';
import { createSealer, openStore, type Store } from '../../store/index.js';
import {
  authenticateBearer,
  createKeysEndpoint,
  createTokenEndpoint,
  createTokenIssuer,
  type TokenIssuer,
} from './index.js';

const dir = mkdtempSync(path.join(tmpdir(), 'latchkey-auth-'));
let store: Store;
let config: Config;
let issuer: TokenIssuer;
let server: OnePortServer;
let base: string;
let clientId: string;
let clientSecret: string;

beforeAll(async () => {
  store = await openStore(`sqlite:${path.join(dir, 'test.db')}`, createSealer(randomBytes(32)));
  let router: Router | undefined;
  server = createOnePortServer({
    handler: (req, res) => {
      router
        ?.handle(req, res)
        .then((matched) => {
          if (!matched) sendAppError(res, new AppError('NOT_FOUND'));
        })
        .catch((err: unknown) => sendAppError(res, toAppError(err)));
    },
  });
  const { port } = await server.listen(0, '127.0.0.1');
  base = `http://127.0.0.1:${port}`;
  config = withListenAddress(loadConfig({ LATCHKEY_DATA_DIR: dir }, {}), port);
  issuer = createTokenIssuer({ store, config });
  router = createRouter();
  router.add(
    'POST',
    '/oauth/token',
    createTokenEndpoint({ store, issuer, log: createLogger('silent'), limits: config.tokenEndpoint }),
  );
  router.add('GET', '/keys', createKeysEndpoint(issuer));
  ({
    client: { id: clientId },
    secret: clientSecret,
  } = await store.apiClients.create('test app'));
});

afterEach(() => {
  vi.useRealTimers();
});

afterAll(async () => {
  await server.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function expectUnauthenticated(p: Promise<unknown>): Promise<void> {
  await expect(p).rejects.toMatchObject({
    code: 'UNAUTHENTICATED',
    message: 'The bearer token is invalid or expired.',
  });
}

/** Signs arbitrary claims with the store's current signing key (what a forger cannot do). */
async function signWithStoredKey(
  claims: Record<string, unknown>,
  exp: number,
  iss = config.publicUrl,
  opts: { typ?: string | null; aud?: string | null; iat?: number } = {},
) {
  const current = await store.signingKeys.current();
  if (!current) throw new Error('no signing key');
  const key = await importJWK(current.privateJwk as JWK, 'RS256');
  const typ = opts.typ === undefined ? 'at+jwt' : opts.typ;
  const aud = opts.aud === undefined ? config.publicUrl : opts.aud;
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: current.kid, ...(typ === null ? {} : { typ }) })
    .setIssuer(iss)
    .setSubject(clientId)
    .setIssuedAt(opts.iat ?? Math.floor(Date.now() / 1000) - 100)
    .setExpirationTime(exp)
    .setJti('j1');
  if (aud !== null) jwt.setAudience(aud);
  return jwt.sign(key);
}

function postToken(body: string, headers: Record<string, string> = {}) {
  return fetch(`${base}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body,
  });
}

describe('token issuer', () => {
  it('issues an RS256 JWT with the agreed claims that verifies', async () => {
    const { accessToken, expiresIn } = await issuer.issue(clientId);
    expect(expiresIn).toBe(86_400);
    const header = decodeProtectedHeader(accessToken);
    expect(header.alg).toBe('RS256');
    expect(header.kid).toMatch(/^snk_\d{18}$/);
    const claims = decodeJwt(accessToken);
    expect(header.typ).toBe('at+jwt');
    expect(claims).toMatchObject({
      iss: config.publicUrl,
      aud: config.publicUrl,
      sub: clientId,
      client_id: clientId,
    });
    expect(claims.exp! - claims.iat!).toBe(86_400);
    expect(typeof claims.jti).toBe('string');
    await expect(issuer.verify(accessToken)).resolves.toMatchObject({ clientId });
  });

  it('rejects tampered, expired, wrong-issuer, foreign-key and garbage tokens', async () => {
    const { accessToken } = await issuer.issue(clientId);
    const [h, p, s] = accessToken.split('.') as [string, string, string];
    const flipped = `${s.slice(0, 10)}${s[10] === 'A' ? 'B' : 'A'}${s.slice(11)}`;
    await expectUnauthenticated(issuer.verify(`${h}.${p}.${flipped}`));
    const otherPayload = Buffer.from(JSON.stringify({ ...decodeJwt(accessToken), sub: 'skc_1' })).toString(
      'base64url',
    );
    await expectUnauthenticated(issuer.verify(`${h}.${otherPayload}.${s}`));

    const now = Math.floor(Date.now() / 1000);
    await expectUnauthenticated(issuer.verify(await signWithStoredKey({ client_id: clientId }, now - 10)));
    await expectUnauthenticated(
      issuer.verify(await signWithStoredKey({ client_id: clientId }, now + 600, 'http://evil.example')),
    );
    // The control: the same helper with good claims does verify.
    await expect(
      issuer.verify(await signWithStoredKey({ client_id: clientId }, now + 600)),
    ).resolves.toMatchObject({ clientId });

    const { privateKey } = await generateKeyPair('RS256');
    const kid = decodeProtectedHeader(accessToken).kid!;
    for (const foreignKid of [kid, 'snk_000000000000000000']) {
      const forged = await new SignJWT({ client_id: clientId })
        .setProtectedHeader({ alg: 'RS256', kid: foreignKid })
        .setIssuer(config.publicUrl)
        .setSubject(clientId)
        .setIssuedAt()
        .setExpirationTime('1h')
        .setJti('x')
        .sign(privateKey);
      await expectUnauthenticated(issuer.verify(forged));
    }
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${p}.`;
    await expectUnauthenticated(issuer.verify(unsigned));
    await expectUnauthenticated(issuer.verify('garbage'));
    await expectUnauthenticated(issuer.verify(''));
  });

  it('refuses, even when signed with the real key: a foreign or missing aud, a missing or other typ, a future iat, an over-long lifetime', async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = { client_id: clientId };
    const control = await signWithStoredKey(claims, now + 600);
    await expect(issuer.verify(control)).resolves.toMatchObject({ clientId });
    const refused = {
      foreignAud: await signWithStoredKey(claims, now + 600, undefined, { aud: 'https://other.example' }),
      missingAud: await signWithStoredKey(claims, now + 600, undefined, { aud: null }),
      missingTyp: await signWithStoredKey(claims, now + 600, undefined, { typ: null }),
      plainJwtTyp: await signWithStoredKey(claims, now + 600, undefined, { typ: 'JWT' }),
      futureIat: await signWithStoredKey(claims, now + 7_200, undefined, { iat: now + 3_600 }),
      overLong: await signWithStoredKey(claims, now + 100 * 365 * 86_400),
      justOverTtl: await signWithStoredKey(claims, now - 100 + 86_401),
    };
    for (const [name, token] of Object.entries(refused)) {
      await expect(issuer.verify(token), name).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    }
    // Within the 30 s clock tolerance between replicas, and exactly the configured lifetime: accepted.
    await expect(
      issuer.verify(await signWithStoredKey(claims, now + 10 + 86_400, undefined, { iat: now + 10 })),
    ).resolves.toMatchObject({ clientId });
  });

  it("returns the client's scopes and connection limits with its id; a change shows after the short cache", async () => {
    const { accessToken } = await issuer.issue(clientId);
    await expect(issuer.verify(accessToken)).resolves.toEqual({
      clientId,
      scopes: ['accounts:read', 'accounts:write', 'proxy', 'tools'],
      connections: null,
    });
    const limited = await store.apiClients.create('limited', Date.now(), {
      scopes: ['tokens:read'],
      connections: ['airtable'],
    });
    const token = (await issuer.issue(limited.client.id)).accessToken;
    await expect(issuer.verify(token)).resolves.toEqual({
      clientId: limited.client.id,
      scopes: ['tokens:read'],
      connections: ['airtable'],
    });
    await store.apiClients.setGrant(limited.client.id, { scopes: ['proxy'], connections: null });
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 6_000);
    await expect(issuer.verify(token)).resolves.toMatchObject({ scopes: ['proxy'], connections: null });
  });

  it('rejects a token once its lifetime is over', async () => {
    const shortLived = createTokenIssuer({ store, config: { ...config, apiTokenTtlSec: 1 } });
    const { accessToken } = await shortLived.issue(clientId);
    await expect(shortLived.verify(accessToken)).resolves.toMatchObject({ clientId });
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 2_500);
    await expectUnauthenticated(shortLived.verify(accessToken));
  });

  it("rejects a revoked client's tokens (after the short cache at most)", async () => {
    const { client, secret } = await store.apiClients.create('to revoke');
    expect(secret).toMatch(/^lks_/);
    const { accessToken } = await issuer.issue(client.id);
    await expect(issuer.verify(accessToken)).resolves.toMatchObject({ clientId: client.id });
    await store.apiClients.revoke(client.id);
    await expectUnauthenticated(createTokenIssuer({ store, config }).verify(accessToken));
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 6_000);
    await expectUnauthenticated(issuer.verify(accessToken));
  });

  it('shares signing keys between issuers on one store, even when racing to create the first', async () => {
    const raceDir = mkdtempSync(path.join(tmpdir(), 'latchkey-race-'));
    const raceStore = await openStore(
      `sqlite:${path.join(raceDir, 'race.db')}`,
      createSealer(randomBytes(32)),
    );
    try {
      const { client } = await raceStore.apiClients.create('racer');
      const [a, b] = [
        createTokenIssuer({ store: raceStore, config }),
        createTokenIssuer({ store: raceStore, config }),
      ];
      const [ta, tb] = await Promise.all([a.issue(client.id), b.issue(client.id)]);
      const stored = (await raceStore.signingKeys.publicKeys()).map((k) => k.kid);
      expect(stored).toContain(decodeProtectedHeader(ta.accessToken).kid);
      expect(stored).toContain(decodeProtectedHeader(tb.accessToken).kid);
      await expect(a.verify(tb.accessToken)).resolves.toMatchObject({ clientId: client.id });
      await expect(b.verify(ta.accessToken)).resolves.toMatchObject({ clientId: client.id });
      // A third issuer reuses what is there instead of adding a key.
      const c = createTokenIssuer({ store: raceStore, config });
      const tc = await c.issue(client.id);
      expect(stored).toContain(decodeProtectedHeader(tc.accessToken).kid);
      expect((await raceStore.signingKeys.publicKeys()).length).toBe(stored.length);
    } finally {
      await raceStore.close();
      rmSync(raceDir, { recursive: true, force: true });
    }
  });
});

describe('authenticateBearer', () => {
  it('accepts Bearer case-insensitively and any valid one of several values', async () => {
    const { accessToken } = await issuer.issue(clientId);
    await expect(authenticateBearer(issuer, `bearer ${accessToken}`)).resolves.toMatchObject({ clientId });
    await expect(authenticateBearer(issuer, ['Bearer nope', `Bearer ${accessToken}`])).resolves.toMatchObject(
      {
        clientId,
      },
    );
    await expect(authenticateBearer(issuer, `Bearer nope, Bearer ${accessToken}`)).resolves.toMatchObject({
      clientId,
    });
  });

  it('answers a recently verified token from memory (the hot path), and nothing else', async () => {
    const { accessToken } = await issuer.issue(clientId);
    expect(issuer.verifyCached!(accessToken)).toBeUndefined(); // never verified yet
    await authenticateBearer(issuer, `Bearer ${accessToken}`);
    expect(issuer.verifyCached!(accessToken)).toMatchObject({ clientId });
    expect(issuer.verifyCached!(`${accessToken}x`)).toBeUndefined();
    // The same token in an odd header goes the full way, with the same answer.
    await expect(authenticateBearer(issuer, `BEARER ${accessToken}`)).resolves.toMatchObject({ clientId });
    await expect(authenticateBearer(issuer, `Bearer \t ${accessToken}`)).resolves.toMatchObject({ clientId });
    await expect(authenticateBearer(issuer, `Bearer ${accessToken},`)).resolves.toMatchObject({ clientId });
  });

  it('refuses missing, non-bearer and invalid tokens with UNAUTHENTICATED', async () => {
    await expect(authenticateBearer(issuer, undefined)).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
      message: 'Missing bearer token.',
    });
    await expect(authenticateBearer(issuer, 'Basic abc')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expectUnauthenticated(authenticateBearer(issuer, ['Bearer a.b.c', 'Bearer x']));
  });
});

describe('POST /oauth/token and GET /keys', () => {
  it('issues a token for credentials in the body; it verifies locally and against /keys', async () => {
    const res = await postToken(
      new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: clientSecret,
      }).toString(),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as { access_token: string; token_type: string; expires_in: number };
    expect(body.token_type).toBe('Bearer');
    expect(body.expires_in).toBe(86_400);
    await expect(issuer.verify(body.access_token)).resolves.toMatchObject({ clientId });

    const keysRes = await fetch(`${base}/keys`);
    expect(keysRes.headers.get('cache-control')).toBe('public, max-age=300');
    const jwks = (await keysRes.json()) as { keys: JWK[] };
    for (const key of jwks.keys) {
      expect(Object.keys(key).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
      expect(key).toMatchObject({ alg: 'RS256', kty: 'RSA', use: 'sig' });
    }
    const local = await jwtVerify(body.access_token, createLocalJWKSet(jwks), { issuer: config.publicUrl });
    expect(local.payload.sub).toBe(clientId);
    const remote = await jwtVerify(body.access_token, createRemoteJWKSet(new URL(`${base}/keys`)));
    expect(remote.payload.client_id).toBe(clientId);
  });

  it('accepts HTTP Basic client authentication', async () => {
    const basic = Buffer.from(`${clientId}:${clientSecret}`).toString('base64');
    const res = await postToken('grant_type=client_credentials', { authorization: `Basic ${basic}` });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { access_token: string };
    await expect(issuer.verify(body.access_token)).resolves.toMatchObject({ clientId });
  });

  it('answers invalid_client (401) for a wrong secret, an unknown or a revoked client', async () => {
    const { client: revoked, secret: revokedSecret } = await store.apiClients.create('revoked');
    await store.apiClients.revoke(revoked.id);
    for (const [id, secret] of [
      [clientId, 'lks_wrong'],
      ['skc_123456789012345678', clientSecret],
      [revoked.id, revokedSecret],
    ] as const) {
      const res = await postToken(
        new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: id,
          client_secret: secret,
        }).toString(),
      );
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBeNull();
      const text = await res.text();
      expect(JSON.parse(text)).toEqual({
        error: 'invalid_client',
        error_description: 'Unknown client or wrong client secret.',
      });
      expect(text).not.toContain('access_token');
      expect(text).not.toContain(secret);
    }
    const basic = Buffer.from(`${clientId}:wrong`).toString('base64');
    const res = await postToken('grant_type=client_credentials', { authorization: `Basic ${basic}` });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Basic realm="latchkey"');
  });

  it('answers unsupported_grant_type and invalid_request with RFC 6749 bodies', async () => {
    const creds = `client_id=${clientId}&client_secret=${clientSecret}`;
    const cases: Array<[string, Record<string, string>, number, string]> = [
      [`grant_type=authorization_code&code=x&${creds}`, {}, 400, 'unsupported_grant_type'],
      [creds, {}, 400, 'invalid_request'],
      [`grant_type=client_credentials&client_id=${clientId}`, {}, 400, 'invalid_request'],
      [`grant_type=client_credentials&grant_type=client_credentials&${creds}`, {}, 400, 'invalid_request'],
      [
        JSON.stringify({
          grant_type: 'client_credentials',
          client_id: clientId,
          client_secret: clientSecret,
        }),
        { 'content-type': 'application/json' },
        400,
        'invalid_request',
      ],
      [`grant_type=client_credentials&${creds}&pad=${'x'.repeat(17 * 1024)}`, {}, 400, 'invalid_request'],
    ];
    for (const [body, headers, status, error] of cases) {
      const res = await postToken(body, headers);
      expect(res.status).toBe(status);
      expect(((await res.json()) as { error: string }).error).toBe(error);
    }
  });
});
