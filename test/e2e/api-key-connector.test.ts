import { mkdirSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { ScalekitClient } from '@scalekit-sdk/node';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCOPES } from '../../src/api/auth/scopes.js';
import { chromiumAvailable, launchChromium } from '../helpers/browser.js';
import { jsonOut, runInProcess } from '../helpers/cli-in-process.js';
import { startTestLatchkey, type TestLatchkey } from '../helpers/latchkey.js';
import { until } from '../helpers/refresh-fixture.js';
import { startWebhookReceiver } from '../helpers/webhook-receiver.js';

const SHOTS = path.resolve(import.meta.dirname, '../../test-results');
const needBrowser = process.env.CI === 'true' || chromiumAvailable();
const KEY = 'wk_live_S3cr3tKeyNobodyMaySee';

/** An API that records what reached it. */
async function startEcho() {
  const seen: Array<{ url: string; headers: http.IncomingHttpHeaders }> = [];
  const server = http.createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"forecast":"sunny"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

describe.skipIf(!needBrowser)('an API-key connection: the user types the key on the hosted form', () => {
  let latchkey: TestLatchkey;
  let echo: Awaited<ReturnType<typeof startEcho>>;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let browser: Browser;
  let app: ScalekitClient;
  let reader: ScalekitClient;
  let cliEnv: Record<string, string>;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    latchkey = await startTestLatchkey({ LATCHKEY_REFRESHER: 'off', LATCHKEY_WEBHOOK_INTERVAL: '0.2' });
    cliEnv = { LATCHKEY_DATA_DIR: latchkey.dataDir, LATCHKEY_LOG_LEVEL: 'silent' };
    echo = await startEcho();
    receiver = await startWebhookReceiver();
    const conn = jsonOut<{ id: string }>(
      await runInProcess(
        cliEnv,
        'connections',
        'create',
        '--provider',
        'custom-api-key',
        '--name',
        'weather',
        '--api-base-url',
        echo.url,
        '--api-key-header',
        'X-Weather-Key',
        '--api-key-prefix',
        'Key ',
        '--json',
      ),
    );
    expect(conn.id).toMatch(/^conn_/);
    jsonOut(await runInProcess(cliEnv, 'webhooks', 'add', '--url', receiver.url, '--json'));
    const a = await latchkey.store.apiClients.create('Weather Bot');
    app = new ScalekitClient(latchkey.url, a.client.id, a.secret);
    const r = await latchkey.store.apiClients.create('key reader', Date.now(), {
      scopes: [...SCOPES],
      connections: null,
    });
    reader = new ScalekitClient(latchkey.url, r.client.id, r.secret);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    echo?.server.closeAllConnections();
    await new Promise((resolve) => echo?.server.close(resolve));
    await receiver?.close();
    await latchkey?.close();
  });

  it('form → ACTIVE; the proxy sends the key in the configured header; the key leaks nowhere', async () => {
    const { link } = await app.actions.getAuthorizationLink({
      connectionName: 'weather',
      identifier: 'wendy',
    });
    const page = await browser.newPage();
    await page.goto(link);
    await page.waitForSelector('main[data-kind="static"]');
    expect(await page.textContent('h1')).toBe('Weather Bot asks for your weather API key');
    expect(await page.getAttribute('#f_api_key', 'type')).toBe('password');
    // An empty submission shows the form again and leaves the link usable.
    await page.click('#continue');
    expect(await page.locator('#f_api_key:invalid').count()).toBe(1); // required: the browser does not submit
    await page.fill('#f_api_key', KEY);
    await page.screenshot({ path: path.join(SHOTS, 'api-key-form.png'), fullPage: true });
    await page.click('#continue');
    await page.waitForSelector('main[data-outcome="success"]');
    expect(await page.textContent('h1')).toBe('weather is connected');
    await page.close();

    const res = await app.actions.request({
      connectionName: 'weather',
      identifier: 'wendy',
      path: '/v1/forecast?city=Oslo',
      headers: { 'X-Weather-Key': 'caller-supplied-must-not-pass' },
    });
    expect(res.data).toEqual({ forecast: 'sunny' });
    const hit = echo.seen.at(-1)!;
    expect(hit.url).toBe('/v1/forecast?city=Oslo');
    expect(hit.headers['x-weather-key']).toBe(`Key ${KEY}`);
    expect(hit.headers.authorization).toBeUndefined();

    // API answers: only a tokens:read client sees the key.
    const plain = await app.actions.getConnectedAccount({ connectionName: 'weather', identifier: 'wendy' });
    expect(plain.connectedAccount).toMatchObject({ status: 1, authorizationType: 2 });
    expect(plain.connectedAccount?.authorizationDetails?.details).toEqual({
      case: 'staticAuth',
      value: expect.objectContaining({ details: {} }),
    });
    const full = await reader.actions.getConnectedAccount({ connectionName: 'weather', identifier: 'wendy' });
    expect(full.connectedAccount?.authorizationDetails?.details.value).toMatchObject({
      details: { api_key: KEY },
    });
    const listed = await app.actions.listConnectedAccounts({ connectionName: 'weather' });
    const events = await app.events.listEventsPaginated(100, '', {});
    expect(
      JSON.stringify([plain, listed, events], (_k, v) => (typeof v === 'bigint' ? String(v) : v)),
    ).not.toContain(KEY);
    expect(events.events.map((e) => e.type)).toEqual(
      expect.arrayContaining([
        'connected_account.created',
        'connected_account.updated',
        'connected_account.status_updated',
      ]),
    );

    // Logs, the event log, the webhook bodies, the database at rest.
    await until(
      async () => (await latchkey.store.webhookDeliveries.list({ status: 'pending' }, 1)).length === 0,
    );
    expect(receiver.received.length).toBeGreaterThanOrEqual(4);
    expect(JSON.stringify(receiver.received)).not.toContain(KEY);
    expect(latchkey.logs()).not.toContain(KEY);
    const dump = JSON.stringify([
      await latchkey.store.db.selectFrom('events').selectAll().execute(),
      await latchkey.store.db.selectFrom('connected_accounts').selectAll().execute(),
      await latchkey.store.db.selectFrom('webhook_deliveries').selectAll().execute(),
    ]);
    expect(dump).not.toContain(KEY);
  });

  it('the connection can put the key in a query parameter instead', async () => {
    jsonOut(
      await runInProcess(cliEnv, 'connections', 'update', 'weather', '--api-key-query', 'appid', '--json'),
    );
    await app.actions.request({
      connectionName: 'weather',
      identifier: 'wendy',
      path: '/v1/forecast?appid=mine&city=Oslo',
    });
    const hit = echo.seen.at(-1)!;
    expect(hit.url).toBe(`/v1/forecast?city=Oslo&appid=${KEY}`);
    expect(hit.headers['x-weather-key']).toBeUndefined();
    expect(latchkey.logs()).not.toContain(KEY);
  });
});
