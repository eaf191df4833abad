import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AirtableEmulator } from '../../src/emulators/airtable/index.js';
import { browse } from '../helpers/authorize.js';
import { ROOT } from '../helpers/cli.js';
import { connectAirtableEmulator, startTestLatchkey, type TestLatchkey } from '../helpers/latchkey.js';
import { PYTHON, preparePythonSdk } from '../helpers/python-sdk.js';

const QUICKSTART = path.join(ROOT, 'examples/airtable-quickstart/quickstart.py');
const SDK_CALLS = path.join(ROOT, 'test/e2e/python/sdk_calls.py');

const python = preparePythonSdk();
if (!python.available) {
  if (process.env.CI === 'true') throw new Error(`The Python SDK suite must run in CI: ${python.reason}`);
  const line = '!'.repeat(78);
  console.warn(
    `\n${line}\n! SKIPPED: the Python SDK suite (test/e2e/python-sdk.test.ts): ${python.reason}\n${line}\n`,
  );
}

function runPython(script: string, env: Record<string, string>) {
  const child: ChildProcessWithoutNullStreams = spawn(PYTHON, ['-u', script], {
    env: { ...process.env, ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += String(d)));
  child.stderr.on('data', (d) => (stderr += String(d)));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  return { child, exited, output: () => ({ stdout, stderr }) };
}

/** The guide's Python example, unchanged, over TLS (the Python SDK always speaks gRPC over TLS). */
describe.skipIf(!python.available)(
  'the guide example with the official Python SDK (TLS, self-signed)',
  () => {
    let latchkey: TestLatchkey;
    let emulator: AirtableEmulator;
    let env: Record<string, string>;
    let trustingFetch: typeof fetch;

    beforeAll(async () => {
      latchkey = await startTestLatchkey({ LATCHKEY_TLS_SELF_SIGNED: '1', LATCHKEY_REFRESHER: 'off' });
      ({ emulator } = await connectAirtableEmulator(latchkey));
      const { client, secret } = await latchkey.store.apiClients.create('python');
      const ca = latchkey.devCert!.caFile;
      const agent = new Agent({ connect: { ca: readFileSync(ca) } });
      trustingFetch = ((url: string, init: object) =>
        undiciFetch(url, { ...init, dispatcher: agent })) as unknown as typeof fetch;
      env = {
        PYTHONPATH: python.available ? python.pythonPath : '',
        SCALEKIT_ENV_URL: latchkey.config.publicUrl,
        SCALEKIT_CLIENT_ID: client.id,
        SCALEKIT_CLIENT_SECRET: secret,
        GRPC_DEFAULT_SSL_ROOTS_FILE_PATH: ca,
        REQUESTS_CA_BUNDLE: ca,
      };
    });
    afterAll(async () => {
      await emulator?.close();
      await latchkey?.close();
    });

    it('link → consent → request("/v0/meta/whoami") returns the emulator user', {
      timeout: 120_000,
    }, async () => {
      expect(latchkey.config.publicUrl).toMatch(/^https:\/\/localhost:\d+$/);
      const run = runPython(QUICKSTART, env);
      const link = await new Promise<string>((resolve, reject) => {
        run.child.stdout.on('data', () => {
          const m = /Authorize Airtable: (\S+)/.exec(run.output().stdout);
          if (m) resolve(m[1]!);
        });
        run.exited.then(() => reject(new Error(`quickstart.py exited: ${JSON.stringify(run.output())}`)));
      });
      expect(link.startsWith(`${latchkey.config.publicUrl}/`)).toBe(true);
      const page = await browse(link, { decision: 'approve', fetch: trustingFetch });
      expect(page.status, page.body).toBe(200);
      run.child.stdin.write('\n');
      expect(await run.exited, run.output().stderr).toBe(0);
      expect(run.output().stdout).toContain(emulator.user.id);
    });

    it("the SDK's other connected-account calls, and its errors", { timeout: 120_000 }, async () => {
      const run = runPython(SDK_CALLS, env);
      expect(await run.exited, run.output().stderr).toBe(0);
      const out = JSON.parse(run.output().stdout.trim().split('\n').at(-1)!);
      expect(out.get).toMatchObject({ identifier: 'user_123', connector: 'airtable', hasAccessToken: true });
      expect(out.get.id).toMatch(/^ca_/);
      expect(out.get.status).toBe('ACTIVE');
      expect(out.list).toEqual(['user_123']);
      expect(out.getOrCreateExisting).toBe(out.get.id);
      expect(out.getOrCreateNew.id).toMatch(/^ca_/);
      expect(out.getOrCreateNew).toMatchObject({ status: 'PENDING_AUTH' });
      expect(out.getOrCreateNew.id).not.toBe(out.get.id);
      expect(out.listAfterCreate).toEqual(['py_new_user', 'user_123']);
      expect(out.getDeleted).toMatchObject({
        type: 'ScalekitNotFoundException',
        errorCode: 'CONNECTED_ACCOUNT_NOT_FOUND',
      });
      expect(out.unknownConnection).toMatchObject({
        type: 'ScalekitNotFoundException',
        errorCode: 'CONNECTION_NOT_FOUND',
      });
      expect(out.wrongSecret).toMatchObject({ type: 'ScalekitUnauthorizedException' });
      expect(JSON.stringify(out.wrongSecret)).not.toContain('wrong-secret');
    });
  },
);
