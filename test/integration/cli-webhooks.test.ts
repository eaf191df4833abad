import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ScalekitClient } from '@scalekit-sdk/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonOut, runInProcess } from '../helpers/cli-in-process.js';
import { startWebhookReceiver } from '../helpers/webhook-receiver.js';

/** `latchkey clients …` scopes and `latchkey webhooks …`, in-process against a real SQLite store. */
describe('latchkey clients (scopes) and webhooks', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'latchkey-cli-hooks-'));
  const env = { LATCHKEY_DATA_DIR: dataDir, LATCHKEY_LOG_LEVEL: 'silent' };
  const cli = (...args: string[]) => runInProcess(env, ...args);
  let ok: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let failing: Awaited<ReturnType<typeof startWebhookReceiver>>;

  beforeAll(async () => {
    ok = await startWebhookReceiver();
    failing = await startWebhookReceiver({ failFirst: 100 });
  });
  afterAll(async () => {
    await ok?.close();
    await failing?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it.each([
    ['webhooks', 'add'],
    ['webhooks', 'list'],
    ['webhooks', 'remove'],
    ['webhooks', 'test'],
    ['webhooks', 'deliveries'],
    ['clients', 'create'],
    ['clients', 'update'],
  ])('%s %s --help', async (...args) => {
    const { out, err } = await cli(...args, '--help');
    expect((err as { code?: string }).code).toBe('commander.helpDisplayed');
    expect(out).toContain(`Usage: latchkey ${args.join(' ')}`);
  });

  it('clients create --scopes/--connections; list shows them; update changes them; unknown scopes are refused', async () => {
    const created = jsonOut<{ clientId: string; clientSecret: string }>(
      await cli(
        'clients',
        'create',
        '--name',
        'reader',
        '--scopes',
        'accounts:read,tokens:read',
        '--connections',
        'airtable',
        '--json',
      ),
    );
    expect(Object.keys(created).sort()).toEqual(['clientId', 'clientSecret']);
    const listed = jsonOut<Array<{ id: string; scopes: string[]; connections: string[] | null }>>(
      await cli('clients', 'list', '--json'),
    );
    expect(listed.find((c) => c.id === created.clientId)).toMatchObject({
      scopes: ['accounts:read', 'tokens:read'],
      connections: ['airtable'],
    });
    const updated = jsonOut(
      await cli('clients', 'update', created.clientId, '--scopes', 'proxy', '--connections', '*', '--json'),
    );
    expect(updated).toEqual({ clientId: created.clientId, scopes: ['proxy'], connections: null });
    const bad = await cli('clients', 'create', '--name', 'x', '--scopes', 'accounts:read admin');
    expect(bad.err).toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('Unknown scope: admin'),
    });
    const human = await cli('clients', 'create', '--name', 'default');
    expect(human.out).toContain('Scopes: accounts:read accounts:write proxy tools; connections: all.');
  });

  it('webhooks add refuses bad URLs and unknown event types; add → list → test → deliveries → remove', async () => {
    for (const [args, message] of [
      [['--url', 'ftp://x.example/h'], '--url: must be an http(s) URL'],
      [['--url', 'http://hooks.example/h'], 'http:// is only allowed for loopback hosts'],
      [['--url', 'https://u:p@hooks.example/h'], 'must not contain credentials'],
      [
        ['--url', ok.url, '--events', 'connected_account.created,account.nope'],
        'unknown event type account.nope',
      ],
    ] as const) {
      const res = await cli('webhooks', 'add', ...args);
      expect(res.err).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining(message) });
    }
    const good = jsonOut<{ id: string; secret: string; events: string[] }>(
      await cli('webhooks', 'add', '--url', ok.url, '--json'),
    );
    expect(good.events).toEqual(['*']);
    const bad = jsonOut<{ id: string }>(
      await cli(
        'webhooks',
        'add',
        '--url',
        failing.url,
        '--events',
        'connected_account.deleted connected_account.created',
        '--json',
      ),
    );
    const list = await cli('webhooks', 'list', '--json');
    expect(list.out).not.toContain(good.secret);
    expect(jsonOut<Array<{ id: string }>>(list).map((e) => e.id)).toEqual([good.id, bad.id]);

    const sent = jsonOut<{ ok: boolean; status: number; deliveryId: string }>(
      await cli('webhooks', 'test', good.id, '--json'),
    );
    expect(sent).toMatchObject({ ok: true, status: 200 });
    const received = ok.received.at(-1)!;
    expect(JSON.parse(received.body)).toMatchObject({ type: 'webhook.test', data: { endpoint_id: good.id } });
    const sdk = new ScalekitClient('http://127.0.0.1:1', 'skc_1', 'x');
    expect(sdk.verifyWebhookPayload(good.secret, received.headers, received.body)).toBe(true);

    const refused = await cli('webhooks', 'test', bad.id);
    expect(refused.out).toContain('Not delivered: HTTP 500.');
    expect(refused.err).toMatchObject({ code: 'WEBHOOK_DELIVERY_FAILED' });

    const log = jsonOut<Array<{ endpointId: string; status: string; attempts: number; lastStatus: number }>>(
      await cli('webhooks', 'deliveries', '--json'),
    );
    expect(log.map((d) => [d.endpointId, d.status, d.attempts, d.lastStatus])).toEqual([
      [bad.id, 'failed', 1, 500],
      [good.id, 'delivered', 1, 200],
    ]);
    const onlyFailed = jsonOut<unknown[]>(
      await cli('webhooks', 'deliveries', '--status', 'failed', '--json'),
    );
    expect(onlyFailed).toHaveLength(1);
    expect((await cli('webhooks', 'deliveries', '--limit', '0')).err).toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    expect((await cli('webhooks', 'deliveries')).out).toContain('webhook.test');

    expect(jsonOut(await cli('webhooks', 'remove', bad.id, '--json'))).toEqual({ id: bad.id, removed: true });
    expect((await cli('webhooks', 'remove', bad.id)).err).toMatchObject({ code: 'NOT_FOUND' });
    expect(jsonOut<unknown[]>(await cli('webhooks', 'deliveries', '--endpoint', bad.id, '--json'))).toEqual(
      [],
    );
  });
});
