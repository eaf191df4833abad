import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseEmulatorFlags, registerEmulatorCommand } from './emulator.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MODULE = fileURLToPath(new URL('./emulator.ts', import.meta.url));

/** Runs `latchkey emulator …` in a child process (tsx), like the real CLI would. */
function spawnCli(args: string[]) {
  const script = `import { Command } from 'commander';
import { registerEmulatorCommand } from ${JSON.stringify(MODULE)};
const program = new Command('latchkey');
registerEmulatorCommand(program);
await program.parseAsync(process.argv.slice(1), { from: 'user' });`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const firstLine = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => {
      if (stdout.includes('\n')) resolve(stdout.split('\n')[0] ?? '');
    });
    child.on('exit', () => reject(new Error(`exited early: ${stderr}`)));
  });
  firstLine.catch(() => undefined); // only awaited by callers that expect a ready line
  return { child, exited, firstLine, output: () => ({ stdout, stderr }) };
}

describe('parseEmulatorFlags', () => {
  const base = { clientId: 'c', redirectUri: ['http://localhost:1/cb'] };
  it('maps flags to emulator options', () => {
    expect(
      parseEmulatorFlags({
        ...base,
        port: '0',
        clientSecret: 's',
        accessTokenTtl: '60',
        refreshTokenTtl: '120',
      }),
    ).toEqual({
      ok: true,
      options: {
        host: '127.0.0.1',
        port: 0,
        clientId: 'c',
        clientSecret: 's',
        redirectUris: ['http://localhost:1/cb'],
        autoApprove: false,
        accessTokenTtlSec: 60,
        refreshTokenTtlSec: 120,
      },
    });
  });
  it('maps personal access tokens and the revocation endpoint', () => {
    const parsed = parseEmulatorFlags({
      ...base,
      personalAccessToken: ['patA', 'patB'],
      revocationEndpoint: true,
    });
    expect(parsed).toMatchObject({
      ok: true,
      options: { personalAccessTokens: ['patA', 'patB'], revocationEndpoint: true },
    });
  });
  it.each([
    [{ ...base, port: 'abc' }, '--port'],
    [{ ...base, port: '70000' }, '--port'],
    [{ ...base, accessTokenTtl: '0' }, '--access-token-ttl'],
    [{ redirectUri: ['http://localhost:1/cb'] }, '--client-id'],
    [{ clientId: 'c', redirectUri: [] }, '--redirect-uri'],
    [{ clientId: 'c', redirectUri: ['not a url'] }, '--redirect-uri'],
  ])('rejects %j naming %s', (raw, flag) => {
    const parsed = parseEmulatorFlags(raw);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toContain(flag);
  });
});

describe('latchkey emulator airtable (in process)', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  });

  it('prints one JSON line when ready, serves stats, and stops on SIGTERM', async () => {
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const before = process.listeners('SIGTERM');
    const program = new Command('latchkey');
    registerEmulatorCommand(program);
    const run = program.parseAsync(
      [
        'emulator',
        'airtable',
        '--client-id',
        'cid',
        '--client-secret',
        'sec',
        '--redirect-uri',
        'http://localhost:1/a',
      ],
      { from: 'user' },
    );
    await vi.waitFor(() => expect(lines).toHaveLength(1), { timeout: 2000, interval: 10 });
    const ready = JSON.parse(lines[0] ?? '') as Record<string, string>;
    expect(Object.keys(ready)).toEqual([
      'authorizeUrl',
      'tokenUrl',
      'apiBaseUrl',
      'clientId',
      'clientSecret',
    ]);
    expect(ready.authorizeUrl).toBe(`${ready.apiBaseUrl}/oauth2/v1/authorize`);
    expect(ready).toMatchObject({ clientId: 'cid', clientSecret: 'sec' });
    const stats = await (await fetch(`${ready.apiBaseUrl}/_emulator/stats`)).json();
    expect(stats).toEqual({
      authorizations: 0,
      codeExchanges: 0,
      refreshes: 0,
      refreshTokenReuses: 0,
      apiCalls: 0,
      rateLimited: 0,
      tokenRateLimited: 0,
      webhookNotifications: 0,
      revocations: 0,
    });
    const mine = process.listeners('SIGTERM').filter((l) => !before.includes(l));
    expect(mine).toHaveLength(1);
    mine[0]?.('SIGTERM');
    await run;
    await expect(fetch(`${ready.apiBaseUrl}/_emulator/stats`)).rejects.toThrow();
    expect(process.listeners('SIGTERM')).toEqual(before);
  });

  it('at a terminal: readable lines, the secret hidden unless --show-secret, a listening line', async () => {
    const shown = async (...extra: string[]) => {
      let out = '';
      let err = '';
      vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
        out += String(chunk);
        return true;
      });
      vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
        err += String(chunk);
        return true;
      });
      const wasTty = process.stdout.isTTY;
      process.stdout.isTTY = true;
      try {
        const before = process.listeners('SIGTERM');
        const program = new Command('latchkey');
        registerEmulatorCommand(program);
        const run = program.parseAsync(
          [
            'emulator',
            'airtable',
            '--client-id',
            'cid',
            '--client-secret',
            'sec-value',
            '--redirect-uri',
            'http://localhost:1/a',
            ...extra,
          ],
          { from: 'user' },
        );
        await vi.waitFor(() => expect(err).toContain('listening on'), { timeout: 5000, interval: 10 });
        for (const l of process.listeners('SIGTERM').filter((l) => !before.includes(l))) l('SIGTERM');
        await run;
      } finally {
        process.stdout.isTTY = wasTty;
      }
      vi.restoreAllMocks();
      return { out, err };
    };
    const hidden = await shown();
    expect(hidden.err).toMatch(/^Airtable emulator listening on http:\/\/127\.0\.0\.1:\d+\n$/);
    expect(hidden.out).toContain('client id      cid');
    expect(hidden.out).toContain('client secret  (set; --show-secret prints it)');
    expect(hidden.out).not.toContain('sec-value');
    expect((await shown('--show-secret')).out).toContain('client secret  sec-value');
    expect(JSON.parse((await shown('--json')).out)).toMatchObject({ clientId: 'cid' });
  });

  it('bad flag values print one error line and set exit code 2', async () => {
    const errors: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      errors.push(String(chunk));
      return true;
    });
    const program = new Command('latchkey');
    registerEmulatorCommand(program);
    await program.parseAsync(
      ['emulator', 'airtable', '--client-id', 'c', '--port', 'x', '--redirect-uri', 'http://a/'],
      {
        from: 'user',
      },
    );
    expect(process.exitCode).toBe(2);
    expect(errors).toEqual(['error: --port must be an integer between 0 and 65535, got "x"\n']);
  });
});

describe('latchkey emulator airtable (child process)', () => {
  it('exits 0 on SIGTERM after printing the ready line; unknown flags exit 2 with one line', async () => {
    const ok = spawnCli([
      'emulator',
      'airtable',
      '--client-id',
      'c',
      '--redirect-uri',
      'http://localhost:1/cb',
    ]);
    const bad = spawnCli(['emulator', 'airtable', '--client-id', 'c', '--bogus']);
    const ready = JSON.parse(await ok.firstLine) as { apiBaseUrl: string; clientSecret: string };
    expect(ready.clientSecret).toBe('');
    expect((await fetch(`${ready.apiBaseUrl}/_emulator/stats`)).status).toBe(200);
    ok.child.kill('SIGTERM');
    expect(await ok.exited).toBe(0);
    expect(await bad.exited).toBe(2);
    const stderr = bad.output().stderr.trim();
    expect(stderr.split('\n')).toHaveLength(1);
    expect(stderr).toContain("unknown option '--bogus'");
  }, 60_000);
});
