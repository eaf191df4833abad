import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AirtableEmulator } from '../../src/emulators/airtable/index.js';
import { chromiumAvailable, launchChromium } from '../helpers/browser.js';
import { connectAirtableEmulator, startTestLatchkey, type TestLatchkey } from '../helpers/latchkey.js';

const SHOTS = path.resolve(import.meta.dirname, '../../test-results');
const needBrowser = process.env.CI === 'true' || chromiumAvailable();
if (!needBrowser)
  console.warn(
    '\n!!! SKIPPED: browser tests (no Chromium at /usr/bin/chromium; apt-get install -y chromium)\n',
  );

describe.skipIf(!needBrowser)('end user authorizes in a real headless Chromium', () => {
  let latchkey: TestLatchkey;
  let emulator: AirtableEmulator;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    latchkey = await startTestLatchkey();
    ({ emulator } = await connectAirtableEmulator(latchkey));
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await emulator?.close();
    await latchkey?.close();
  });

  async function newLink(identifier: string) {
    return latchkey.server.services.links.create({ connectionName: 'airtable', identifier });
  }

  it('clicks through the consent page and lands on the success page; the account is ACTIVE', async () => {
    const { link, connectedAccountId } = await newLink('browser_user');
    const page = await browser.newPage();
    await page.goto(link);
    await page.waitForSelector('main[data-page="landing"]');
    expect(await page.textContent('h1')).toContain('connect to your Airtable account');
    expect(await page.textContent('#identifier')).toBe('browser_user');
    expect(await page.locator('#scopes li').count()).toBe(3);
    await page.screenshot({ path: path.join(SHOTS, 'landing.png'), fullPage: true });
    await page.click('#continue');
    await page.waitForSelector('#approve');
    expect(await page.title()).toContain('Airtable');
    await page.screenshot({ path: path.join(SHOTS, 'consent.png'), fullPage: true });
    await page.click('#approve');
    await page.waitForSelector('main[data-outcome="success"]');
    expect(await page.textContent('h1')).toBe('Airtable is connected');
    expect(page.url()).toContain('/sso/v1/oauth/');
    await page.screenshot({ path: path.join(SHOTS, 'success.png'), fullPage: true });
    await page.close();
    const account = await latchkey.store.accounts.getById(connectedAccountId);
    expect(account?.status).toBe('ACTIVE');
    expect(emulator.stats().codeExchanges).toBe(1);
  });

  it('shows a clear page when the user cancels, and leaves the account pending', async () => {
    const { link, connectedAccountId } = await newLink('browser_denier');
    const page = await browser.newPage();
    await page.goto(link);
    await page.click('#continue');
    await page.click('#deny');
    await page.waitForSelector('main[data-outcome="error"]');
    expect(await page.textContent('h1')).toBe('Access was not granted');
    await page.screenshot({ path: path.join(SHOTS, 'denied.png'), fullPage: true });
    await page.close();
    expect((await latchkey.store.accounts.getById(connectedAccountId))?.status).toBe('PENDING_AUTH');
  });

  it('refuses a link continued a second time', async () => {
    const { link } = await newLink('browser_twice');
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(link);
    await page.click('#continue');
    await page.waitForSelector('#approve');
    const again = await context.newPage();
    const res = await again.goto(link);
    expect(res?.status()).toBe(410);
    expect(await again.textContent('h1')).toBe('This link was already used');
    await again.screenshot({ path: path.join(SHOTS, 'link-used.png'), fullPage: true });
    await context.close();
  });
});
