import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AirtableEmulator, startAirtableEmulator } from '../../src/emulators/airtable/index.js';
import { airtable } from '../../src/providers/index.js';
import { chromiumAvailable, launchChromium } from '../helpers/browser.js';
import { startTestLatchkey, type TestLatchkey } from '../helpers/latchkey.js';
import { runQuickstart } from '../helpers/quickstart.js';

const SHOTS = path.resolve(import.meta.dirname, '../../test-results/dashboard');
const EMAIL = 'admin@example.com';
const PASSWORD = 'correct horse battery staple';
const needBrowser = process.env.CI === 'true' || chromiumAvailable();

// One shared server and browser; the guide's walk is one long test (generous timeout: a loaded machine).
describe.skipIf(!needBrowser)(
  'the dashboard: the guide’s set-up steps in real headless Chromium',
  { timeout: 120_000 },
  () => {
    let latchkey: TestLatchkey;
    let emulator: AirtableEmulator | undefined;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    const consoleErrors: string[] = [];
    let base: string;

    const shoot = async (name: string) => {
      await page.screenshot({ path: path.join(SHOTS, `${name}-1280.png`), fullPage: true });
    };
    /** Clicks a sidebar entry (the 1280 px layout). */
    const nav = async (label: string) => {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label }).click();
      await page
        .getByRole('heading', { level: 1, name: label === 'API credentials' ? 'API credentials' : label })
        .waitFor();
    };

    beforeAll(async () => {
      mkdirSync(SHOTS, { recursive: true });
      latchkey = await startTestLatchkey({ LATCHKEY_REFRESHER: 'off' });
      base = latchkey.config.publicUrl;
      browser = await launchChromium();
      context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
      page = await context.newPage();
      page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
      page.on('pageerror', (e) => consoleErrors.push(e.message));
      // Any request leaving Latchkey or the emulator (fonts, CDNs, analytics) fails the test.
      await context.route(
        (url) => !['localhost', '127.0.0.1'].includes(url.hostname),
        (route) => {
          consoleErrors.push(`external request: ${route.request().url()}`);
          return route.abort();
        },
      );
    });

    afterAll(async () => {
      await browser?.close();
      await emulator?.close();
      await latchkey?.close();
    });

    it('walks the guide: set up, sign in, create and configure Airtable, credentials, the Node example, consent, ACTIVE, refresh, disconnect, events and logs', async () => {
      // First start: the one-time set-up URL the server prints creates the admin.
      const setupUrl = await latchkey.server.services.dashboard.admins.prepareSetup();
      expect(setupUrl).toMatch(new RegExp(`^${base}/setup#token=`));
      await page.goto(setupUrl!);
      await page.getByLabel('Email').fill(EMAIL);
      await page.getByLabel('Password').fill(PASSWORD);
      await shoot('setup');
      await page.getByRole('button', { name: 'Create admin' }).click();
      await page.getByRole('heading', { level: 1, name: 'Connections' }).waitFor();
      expect(await latchkey.server.services.dashboard.admins.prepareSetup()).toBeUndefined();

      // Sign out, then the guide's first step: sign in.
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      await page.getByLabel('Email').fill(EMAIL);
      await page.getByLabel('Password').fill('wrong password!!');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').filter({ hasText: 'Wrong email or password' }).waitFor();
      // The refused sign-in is the one failed request the browser reports; nothing else may be.
      expect(consoleErrors).toEqual([expect.stringContaining('status of 401')]);
      consoleErrors.length = 0;
      await page.getByLabel('Password').fill(PASSWORD);
      await shoot('sign-in');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { level: 1, name: 'Connections' }).waitFor();

      // Agent Actions → Connections → + Create Connection → search "Airtable" → Create.
      await page.getByRole('button', { name: '+ Create Connection' }).click();
      await page.getByLabel('Search providers').fill('Airtable');
      const tiles = page.locator('#catalog li[data-provider]');
      await expect.poll(() => tiles.count()).toBe(2); // OAuth and personal access token
      await shoot('catalog');
      await page.getByRole('button', { name: 'Create Airtable connection (OAuth 2.0)' }).click();

      // The Configure Airtable Connection dialog: copy the Redirect URI.
      const dialog = page.locator('#configure');
      await dialog.getByRole('heading', { name: 'Configure Airtable Connection' }).waitFor();
      await dialog.locator('#redirect-uri-copy').click();
      const redirectUri = await page.evaluate<string>('navigator.clipboard.readText()');
      const connection = (await latchkey.store.connections.getByName('airtable'))!;
      expect(redirectUri).toBe(`${base}/sso/v1/oauth/${connection.id}/callback`);
      // Airtable's whole scope catalog, each with its description.
      expect(await dialog.locator('#scopes label').count()).toBe(airtable.scopes!.length);
      await dialog.getByText(airtable.scopes![0]!.description).waitFor();

      // Start the emulator with it, as a developer registers the redirect URI at Airtable.
      const clientId = 'guide-client-id';
      const clientSecret = 'guide-client-secret';
      emulator = await startAirtableEmulator({ clientId, clientSecret, redirectUris: [redirectUri] });

      // Enter client id, secret and scopes (Advanced: the emulator's URLs); Save.
      await dialog.getByLabel('Client ID').fill(clientId);
      await dialog.getByLabel(/Client Secret/).fill(clientSecret);
      await dialog.getByLabel('Filter scopes').fill('records');
      await dialog.getByRole('checkbox', { name: /data\.records:write/ }).check();
      await dialog.getByLabel('Filter scopes').fill('');
      await dialog.getByText('Advanced').click();
      await dialog.getByLabel('Authorization URL').fill(emulator.authorizeUrl);
      await dialog.getByLabel('Token URL').fill(emulator.tokenUrl);
      await dialog.getByLabel('API base URL').fill(emulator.apiBaseUrl);
      await shoot('configure');
      await page.getByRole('button', { name: 'Save' }).click();
      await dialog.waitFor({ state: 'detached' });
      await page.locator('tr[data-connection="airtable"]').getByText('Enabled').waitFor();
      const saved = (await latchkey.store.connections.getByName('airtable'))!;
      expect(saved.clientId).toBe(clientId);
      expect(saved.clientSecret).toBe(clientSecret);
      expect(saved.scopes).toEqual([
        'data.records:read',
        'schema.bases:read',
        'user.email:read',
        'data.records:write',
      ]);
      await shoot('connections');
      // "Test connection": a link for a test identifier; the dialog shows the account once it is ACTIVE.
      await page.locator('tr[data-connection="airtable"]').getByRole('button', { name: 'Test' }).click();
      await page.getByRole('button', { name: 'Create authorization link' }).click();
      const testLink = await page.locator('#test-link').inputValue();
      const tester = await context.newPage();
      await tester.goto(testLink);
      await tester.click('#continue');
      await tester.click('#approve');
      await tester.waitForSelector('main[data-outcome="success"]');
      await tester.close();
      await page.locator('#test-status', { hasText: 'the connection works' }).waitFor();
      await shoot('test-connection');
      await page.locator('#test').getByRole('button', { name: 'Close' }).click();

      // The secret is write-only: reopening shows it as saved, never its value.
      await page.locator('tr[data-connection="airtable"]').getByRole('button', { name: 'Configure' }).click();
      expect(await dialog.getByLabel(/Client Secret/).inputValue()).toBe('');
      expect(await dialog.getByLabel(/Client Secret/).getAttribute('placeholder')).toContain('saved');
      expect(await page.content()).not.toContain(clientSecret);
      await dialog.getByRole('button', { name: 'Cancel' }).click();

      // Developers → API Credentials → create; the three env lines.
      await nav('API credentials');
      await page.getByRole('button', { name: 'Create credentials' }).click();
      await page.getByLabel(/^Name/).fill('guide app');
      await page.locator('#create-client').getByRole('button', { name: 'Create' }).click();
      const envText = (await page.locator('#env-lines').textContent())!;
      const env = Object.fromEntries(
        envText
          .trim()
          .split('\n')
          .map((l) => l.trim().split('=') as [string, string]),
      );
      expect(Object.keys(env)).toEqual(['SCALEKIT_ENV_URL', 'SCALEKIT_CLIENT_ID', 'SCALEKIT_CLIENT_SECRET']);
      expect(env.SCALEKIT_ENV_URL).toBe(base);
      await shoot('credentials');

      // Run the guide's Node example with those lines; complete consent in the browser.
      const run = runQuickstart(env);
      const link = await run.link;
      const user = await context.newPage();
      await user.goto(link);
      await user.waitForSelector('main[data-page="landing"]');
      expect(await user.textContent('h1')).toContain('Airtable');
      await user.screenshot({ path: path.join(SHOTS, 'landing-1280.png'), fullPage: true });
      await user.click('#continue');
      await user.click('#approve');
      await user.waitForSelector('main[data-outcome="success"]');
      await user.screenshot({ path: path.join(SHOTS, 'success-1280.png'), fullPage: true });
      await user.close();
      run.pressEnter();
      expect(await run.exited).toBe(0);
      expect(run.output().stdout).toContain(emulator.user.id);

      // Connected accounts: user_123 is ACTIVE.
      await nav('Connected accounts');
      const row = page.locator('tr[data-account="user_123"]');
      await row.getByText('ACTIVE').waitFor();
      await shoot('accounts');

      // Force a refresh, then disconnect, from the account's page.
      await row.getByRole('link', { name: 'user_123' }).click();
      await page.getByRole('heading', { level: 1, name: 'user_123' }).waitFor();
      // Copy a new link for the user.
      await page.getByRole('button', { name: 'New link' }).click();
      expect(await page.locator('#account-link').inputValue()).toMatch(new RegExp(`^${base}/connect/`));
      await page.getByRole('button', { name: 'Force refresh' }).click();
      await page.getByText('Tokens refreshed.').waitFor();
      expect(emulator.stats().refreshes).toBe(1);
      await page.locator('#last-refresh').getByText(/^ok /).waitFor();
      await page.getByRole('button', { name: 'Disconnect' }).click();
      await page.locator('#confirm').getByRole('button', { name: 'Disconnect' }).click();
      await page.getByText('Account disconnected.').waitFor();
      await page.locator('#account-facts .badge', { hasText: 'DISCONNECTED' }).waitFor();
      expect(
        (
          await latchkey.store.accounts.findByKey({
            connectionId: saved.id,
            identifier: 'user_123',
            organizationId: '',
            userId: '',
          })
        )?.status,
      ).toBe('DISCONNECTED');

      // The events and log entries.
      await latchkey.server.services.events.drain(5000);
      await page.reload();
      const events = page.locator('#account-events');
      for (const type of [
        'connected_account.created',
        'connected_account.token_refresh_succeeded',
        'connected_account.status_updated',
      ])
        await events.getByText(type).first().waitFor();
      await shoot('account-detail');

      await nav('Logs');
      const proxyRow = page.locator('#log-proxy tr', { hasText: '/v0/meta/whoami' });
      await proxyRow.waitFor();
      expect(await proxyRow.textContent()).toMatch(/user_123.*GET.*\/v0\/meta\/whoami.*200/);
      await shoot('logs');
      await page.getByRole('tab', { name: 'Auth events' }).click();
      await page.locator('#log-events').getByText('connected_account.status_updated').first().waitFor();
      await shoot('logs-events');

      await nav('Webhooks');
      await shoot('webhooks');
      expect(consoleErrors).toEqual([]);
    });

    it('every page looks right at phone width (390 px) too', async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      const account = (await latchkey.store.accounts.list())[0]!;
      const paints: string[] = [];
      for (const [name, url] of [
        ['connections', '/connections'],
        ['accounts', '/accounts'],
        ['account-detail', `/accounts/${account.id}`],
        ['credentials', '/credentials'],
        ['logs', '/logs'],
        ['webhooks', '/webhooks'],
      ] as const) {
        await page.goto(base + url);
        await page.locator('main h1').waitFor();
        // First paint, reported (not asserted: the machine is shared).
        paints.push(
          `${url}: ${await page.evaluate<number>("performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1")} ms`,
        );
        // Nothing spills sideways: the page is no wider than the phone.
        expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
        await page.screenshot({ path: path.join(SHOTS, `${name}-390.png`), fullPage: true });
      }
      console.info(`dashboard first contentful paint at 390 px: ${paints.join(', ')}`);
      await page.goto(`${base}/connections`);
      await page.getByRole('button', { name: 'Configure' }).click();
      await page.screenshot({ path: path.join(SHOTS, 'configure-390.png'), fullPage: false });
      const signedOut = await browser.newPage({ viewport: { width: 390, height: 844 } });
      await signedOut.goto(`${base}/connections`);
      await signedOut.getByRole('heading', { name: 'Sign in' }).waitFor();
      await signedOut.screenshot({ path: path.join(SHOTS, 'sign-in-390.png'), fullPage: true });
      const link = await latchkey.server.services.links.create({
        connectionName: 'airtable',
        identifier: 'phone_user',
      });
      await signedOut.goto(link.link);
      await signedOut.waitForSelector('main[data-page="landing"]');
      expect(await signedOut.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(
        390,
      );
      await signedOut.screenshot({ path: path.join(SHOTS, 'landing-390.png'), fullPage: true });
      await signedOut.close();
      expect(consoleErrors).toEqual([]);
    });
  },
);
