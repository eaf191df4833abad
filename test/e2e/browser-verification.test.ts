import { mkdirSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { ScalekitClient, ScalekitServerException } from '@scalekit-sdk/node';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AirtableEmulator } from '../../src/emulators/airtable/index.js';
import { chromiumAvailable, launchChromium } from '../helpers/browser.js';
import { connectAirtableEmulator, startTestLatchkey, type TestLatchkey } from '../helpers/latchkey.js';

const SHOTS = path.resolve(import.meta.dirname, '../../test-results');
const needBrowser = process.env.CI === 'true' || chromiumAvailable();

/**
 * The app of Scalekit's user-verification guide: its /verify page reads the signed-in user from its
 * own session cookie and calls verifyConnectedAccountUser with that identifier.
 */
async function startApp(sdk: ScalekitClient) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://app.invalid');
    const user = /(?:^|; )app_user=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
    const authRequestId = url.searchParams.get('auth_request_id');
    if (url.pathname !== '/verify' || !user || !authRequestId || url.searchParams.get('state') !== 'st-42') {
      res.writeHead(400, { 'content-type': 'text/html' }).end('<h1>Bad request</h1>');
      return;
    }
    sdk.actions.verifyConnectedAccountUser({ authRequestId, identifier: user }).then(
      (ok) => res.writeHead(302, { location: ok.postUserVerifyRedirectUrl }).end(),
      (err: unknown) => {
        const code = err instanceof ScalekitServerException ? err.errorCode : 'unknown';
        res
          .writeHead(403, { 'content-type': 'text/html' })
          .end(`<h1 id="refused">Not verified: ${code}</h1>`);
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe.skipIf(!needBrowser)('user verification in a real headless Chromium', () => {
  let latchkey: TestLatchkey;
  let emulator: AirtableEmulator;
  let browser: Browser;
  let sdk: ScalekitClient;
  let app: Awaited<ReturnType<typeof startApp>>;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    latchkey = await startTestLatchkey({ LATCHKEY_REFRESHER: 'off' });
    ({ emulator } = await connectAirtableEmulator(latchkey));
    const { client, secret } = await latchkey.store.apiClients.create('Acme Assistant');
    sdk = new ScalekitClient(latchkey.url, client.id, secret);
    app = await startApp(sdk);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    app?.server.closeAllConnections();
    await new Promise((resolve) => app?.server.close(resolve));
    await emulator?.close();
    await latchkey?.close();
  });

  const link = async (identifier: string) =>
    (
      await sdk.actions.getAuthorizationLink({
        connectionName: 'airtable',
        identifier,
        userVerifyUrl: `${app.url}/verify`,
        state: 'st-42',
      })
    ).link;

  async function signedInAs(user: string): Promise<BrowserContext> {
    const context = await browser.newContext();
    await context.addCookies([{ name: 'app_user', value: user, url: app.url }]);
    return context;
  }

  const account = () => latchkey.store.accounts.list({ identifier: 'alice' }).then((a) => a[0]!);

  it('link → landing page → Continue → consent → the app verifies → ACTIVE', async () => {
    const context = await signedInAs('alice');
    const page = await context.newPage();
    await page.goto(await link('alice'));
    await page.waitForSelector('main[data-page="landing"]');
    expect(await page.textContent('h1')).toBe('Acme Assistant wants to connect to your Airtable account');
    expect(await page.textContent('main')).toContain('Afterwards you return to Acme Assistant');
    await page.screenshot({ path: path.join(SHOTS, 'landing-verify.png'), fullPage: true });
    await page.click('#continue');
    await page.click('#approve');
    await page.waitForSelector('main[data-outcome="success"]');
    expect(page.url()).toContain('/connect/verified');
    expect(await page.textContent('h1')).toBe('Airtable is connected');
    await page.screenshot({ path: path.join(SHOTS, 'verified.png'), fullPage: true });
    await context.close();
    expect((await account()).status).toBe('ACTIVE');
  });

  it('the same kind of link completed in another browser and verified as someone else leaves the account as it was', async () => {
    const before = await account();
    const context = await signedInAs('mallory');
    const page = await context.newPage();
    await page.goto(await link('alice'));
    expect(await page.textContent('main')).toContain('already connected');
    await page.click('#continue');
    await page.click('#approve');
    await page.waitForSelector('#refused');
    expect(await page.textContent('#refused')).toBe('Not verified: VERIFICATION_IDENTIFIER_MISMATCH');
    await page.screenshot({ path: path.join(SHOTS, 'verify-mismatch.png'), fullPage: true });
    await context.close();
    const after = await account();
    expect(after).toMatchObject({
      status: 'ACTIVE',
      accessToken: before.accessToken,
      refreshToken: before.refreshToken,
      version: before.version,
    });
    expect(emulator.stats().codeExchanges).toBe(2); // mallory's grant was obtained — and discarded
  });

  it('a link fetched first by an unfurler (a plain GET) still works afterwards', async () => {
    const url = await link('alice');
    const unfurled = await fetch(url, { headers: { 'user-agent': 'Slackbot-LinkExpanding 1.0' } });
    expect(unfurled.status).toBe(200);
    expect(await unfurled.text()).toContain('Continue to Airtable');
    const context = await signedInAs('alice');
    const page = await context.newPage();
    await page.goto(url);
    await page.click('#continue');
    await page.click('#approve');
    await page.waitForSelector('main[data-outcome="success"]');
    await context.close();
    const after = await account();
    expect(after.status).toBe('ACTIVE');
    expect(emulator.stats().codeExchanges).toBe(3);
  });
});
