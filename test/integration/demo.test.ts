import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { browse } from '../helpers/authorize.js';
import { startCli } from '../helpers/cli.js';

/** `latchkey demo`, as a new user runs it (one process), the consent played by a scripted browser. */
describe('latchkey demo', () => {
  const dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'latchkey-demo-')), 'd');
  const env = { LATCHKEY_LOG_LEVEL: 'silent' };
  afterAll(() => rmSync(path.dirname(dataDir), { recursive: true, force: true }));

  async function runOnce(extra: string[]) {
    const run = startCli(
      ['demo', '--port', '0', '--data-dir', dataDir, '--auto-approve', ...extra],
      env,
      /(http:\/\/localhost:\d+\/connect\/\S+)/,
    );
    const [, link] = await run.line;
    const page = await browse(link!, { decision: 'approve' });
    expect(page.status, page.body).toBe(200);
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        if (run.output().stdout.includes('press Ctrl-C to stop')) resolve();
      };
      run.child.stdout.on('data', check);
      run.exited.then(() => reject(new Error(`demo exited early: ${JSON.stringify(run.output())}`)));
      check();
    });
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
    return run.output().stdout;
  }

  it('runs the whole flow: client, connection, link, consent, whoami and records through the SDK; Ctrl-C stops it', {
    timeout: 120_000,
  }, async () => {
    const out = await runOnce([]);
    for (const n of [1, 2, 3, 4, 5]) expect(out).toContain(`[${n}/5]`);
    expect(out).toMatch(
      /SCALEKIT_ENV_URL=http:\/\/localhost:\d+ SCALEKIT_CLIENT_ID=skc_\d+ SCALEKIT_CLIENT_SECRET=\S+/,
    );
    expect(out).toMatch(/whoami: \{"id":"usr\w+"/);
    expect(out.match(/^ {2}rec\w{14} {2}\{/gm)).toHaveLength(3);

    // --keep reuses the API client (a run without it wipes the data folder first).
    const clientOf = (text: string) => /SCALEKIT_CLIENT_ID=(skc_\d+)/.exec(text)?.[1];
    const kept = await runOnce(['--keep']);
    expect(clientOf(kept)).toBe(clientOf(out));
    expect(kept).toMatch(/whoami: \{"id":"usr\w+"/);
  });
});
