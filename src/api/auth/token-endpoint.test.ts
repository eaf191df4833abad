import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLog } from '../../../test/helpers/log-capture.js';
import { type Config, loadConfig, type TokenEndpointConfig } from '../../config/config.js';
import { AppError } from '../../errors/index.js';
import { createOnePortServer, type OnePortServer } from '../../http/listener.js';
import { sendAppError } from '../../http/respond.js';
import { createRouter } from '../../http/router.js';
import type { Logger } from '../../log/logger.js';
import { createSealer, openStore, type Store } from '../../store/index.js';
import { createTokenEndpoint, createTokenIssuer } from './index.js';
import { createRefusalLog, type RefusalLog } from './refusal-log.js';

const dir = mkdtempSync(path.join(tmpdir(), 'latchkey-token-limits-'));
let store: Store;
let config: Config;
let clientId: string;
let clientSecret: string;
const servers: OnePortServer[] = [];

beforeAll(async () => {
  store = await openStore(`sqlite:${path.join(dir, 'test.db')}`, createSealer(randomBytes(32)));
  config = loadConfig({ LATCHKEY_DATA_DIR: dir }, {});
  ({
    client: { id: clientId },
    secret: clientSecret,
  } = await store.apiClients.create('limited app'));
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const off = { ratePerSec: 0, burst: 1 };

/** A token endpoint with its own limits and logger, on its own port. */
async function startEndpoint(
  limits: Partial<TokenEndpointConfig>,
  log: Logger,
  refusals?: RefusalLog,
): Promise<string> {
  const router = createRouter();
  const issuer = createTokenIssuer({ store, config });
  const all = { perAddress: off, perClient: off, refusalLogWindowMs: 60_000, ...limits };
  router.add('POST', '/oauth/token', createTokenEndpoint({ store, issuer, log, limits: all, refusals }));
  const server = createOnePortServer({
    handler: (req, res) => {
      void router.handle(req, res).then((matched) => {
        if (!matched) sendAppError(res, new AppError('NOT_FOUND'));
      });
    },
  });
  servers.push(server);
  const { port } = await server.listen(0, '127.0.0.1');
  return `http://127.0.0.1:${port}`;
}

function postToken(base: string, id: string, secret: string) {
  return fetch(`${base}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: id, client_secret: secret }),
  });
}

describe('POST /oauth/token rate limits', () => {
  it('limits per address: 429 with Retry-After, decided before the body is read', async () => {
    const { log } = captureLog();
    const base = await startEndpoint({ perAddress: { ratePerSec: 0.01, burst: 2 } }, log);
    expect((await postToken(base, clientId, clientSecret)).status).toBe(200);
    expect((await postToken(base, clientId, 'lks_wrong')).status).toBe(401);
    const limited = await postToken(base, clientId, clientSecret);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(limited.headers.get('x-latchkey-error')).toBe('TOO_MANY_REQUESTS');
    expect(await limited.json()).toEqual({
      error: 'too_many_requests',
      error_description: 'Too many token requests; retry later.',
    });

    // A request announcing a body it never sends is still answered: the limit needs no body byte.
    const { port } = new URL(base);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(port), '127.0.0.1', () => {
        socket.write(
          'POST /oauth/token HTTP/1.1\r\nhost: x\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length: 100000\r\n\r\ngrant_type=',
        );
      });
      let text = '';
      socket.on('data', (chunk: Buffer) => {
        text += chunk.toString('latin1');
        if (text.includes('\r\n\r\n')) {
          socket.destroy();
          resolve(text);
        }
      });
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 429 /);
  });

  it('limits per client id, whatever the secret, without limiting other clients', async () => {
    const { log } = captureLog();
    const base = await startEndpoint({ perClient: { ratePerSec: 0.01, burst: 2 } }, log);
    const { client: other, secret: otherSecret } = await store.apiClients.create('other app');
    expect((await postToken(base, clientId, 'lks_wrong')).status).toBe(401);
    expect((await postToken(base, clientId, 'lks_wrong')).status).toBe(401);
    const limited = await postToken(base, clientId, clientSecret);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(1);
    expect((await postToken(base, other.id, otherSecret)).status).toBe(200);
  });
});

describe('POST /oauth/token refusal logging', () => {
  it('a flood of failures writes one line and one summary, not a line per failure, and no secret', async () => {
    const capture = captureLog();
    // One window for the whole flood, however slow the machine: the summary is flushed below.
    const refusals = createRefusalLog(capture.log, 3_600_000);
    const base = await startEndpoint(
      { perAddress: { ratePerSec: 0.001, burst: 150 } },
      capture.log,
      refusals,
    );
    const statuses: number[] = [];
    for (let round = 0; round < 20; round++) {
      const batch = await Promise.all(
        Array.from({ length: 10 }, (_, i) => postToken(base, clientId, `lks_guess_${round}_${i}`)),
      );
      statuses.push(...batch.map((r) => r.status));
    }
    expect(statuses.filter((s) => s === 401).length).toBe(150);
    expect(statuses.filter((s) => s === 429).length).toBe(50);
    refusals.flush();
    const summary = await capture.next(/refused \(summary\)/);
    const refusalLines = capture.lines().filter((l) => /api token/.test(String(l.msg)));
    expect(refusalLines.length).toBe(2);
    const total = refusalLines.reduce((sum, l) => sum + (typeof l.refused === 'number' ? l.refused : 1), 0);
    expect(total).toBe(200);
    expect(summary).toMatchObject({ clientIds: { [clientId]: expect.any(Number) } });
    expect(Object.keys(summary.outcomes as object).sort()).toEqual(['invalid_client', 'rate_limited']);
    expect(JSON.stringify(capture.lines())).not.toContain('lks_guess');
  });

  it('never logs a client id that does not look like one (it may be a pasted secret)', async () => {
    const capture = captureLog();
    const base = await startEndpoint({}, capture.log);
    expect((await postToken(base, clientSecret, clientId)).status).toBe(401);
    const line = await capture.next(/api token refused/);
    expect(line).toMatchObject({ outcome: 'invalid_client', clientId: 'other', address: '127.0.0.1' });
    expect(JSON.stringify(capture.lines())).not.toContain(clientSecret);
  });
});
