import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import { runCliInProcess as runCli, startCli } from '../helpers/cli.js';

/** The CLI contracts scripts rely on (ARCHITECTURE.md "CLI output for scripts"). */
describe('latchkey CLI', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'latchkey-cli-'));
  const env = { LATCHKEY_DATA_DIR: dataDir, LATCHKEY_LOG_LEVEL: 'silent' };
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('clients create --json prints exactly {clientId, clientSecret}; the key file is created 0600', async () => {
    const r = await runCli(['clients', 'create', '--name', 'ci', '--json'], env);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out).sort()).toEqual(['clientId', 'clientSecret']);
    expect(out.clientId).toMatch(/^skc_\d{18}$/);
    expect(statSync(path.join(dataDir, 'master.key')).mode & 0o777).toBe(0o600);
    const list = JSON.parse((await runCli(['clients', 'list', '--json'], env)).stdout);
    expect(list.map((c: { id: string }) => c.id)).toContain(out.clientId);
    expect(JSON.stringify(list)).not.toContain(out.clientSecret);
  });

  it('clients create without --json prints ready-to-paste SCALEKIT_ variables', async () => {
    const r = await runCli(['clients', 'create', '--name', 'human'], env);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      /SCALEKIT_ENV_URL=http:\/\/localhost:8080 SCALEKIT_CLIENT_ID=skc_\d+ SCALEKIT_CLIENT_SECRET=\S+/,
    );
  });

  it('clients revoke marks a client revoked; an unknown id fails clearly', async () => {
    const { clientId } = JSON.parse(
      (await runCli(['clients', 'create', '--name', 'gone', '--json'], env)).stdout,
    );
    const revoked = await runCli(['clients', 'revoke', clientId], env);
    expect(revoked.status).toBe(0);
    // It says how long running servers may still accept the tokens the client holds.
    expect(revoked.stdout).toContain('running servers refuse the ones it holds within 5 s');
    const list = JSON.parse((await runCli(['clients', 'list', '--json'], env)).stdout);
    expect(list.find((c: { id: string }) => c.id === clientId).revokedAt).toBeTruthy();
    const bad = await runCli(['clients', 'revoke', 'skc_000'], env);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('No API client with id "skc_000"');
  });

  it('connections create --json prints {id, name, provider, redirectUri}; webhook.manage is stored as webhook:manage', async () => {
    const r = await runCli(
      [
        'connections',
        'create',
        '--provider',
        'airtable',
        '--name',
        'airtable',
        '--client-id',
        'cid',
        '--client-secret',
        'shh-secret',
        '--scopes',
        'data.records:read webhook.manage',
        '--json',
      ],
      env,
    );
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out).sort()).toEqual(['id', 'name', 'provider', 'redirectUri']);
    expect(out.redirectUri).toBe(`http://localhost:8080/sso/v1/oauth/${out.id}/callback`);
    const got = JSON.parse((await runCli(['connections', 'get', 'airtable', '--json'], env)).stdout);
    expect(got.scopes).toEqual(['data.records:read', 'webhook:manage']);
    expect(JSON.stringify(got)).not.toContain('shh-secret');
  });

  it('refuses an unknown scope with the list of valid ones, creating nothing', async () => {
    const r = await runCli(
      [
        'connections',
        'create',
        '--provider',
        'airtable',
        '--name',
        'bad',
        '--client-id',
        'c',
        '--scopes',
        'data.records:read records:everything',
      ],
      env,
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('Unknown Airtable scope: records:everything');
    expect(r.stderr).toContain('Valid scopes: data.records:read, data.records:write');
    const list = JSON.parse((await runCli(['connections', 'list', '--json'], env)).stdout);
    expect(list.map((c: { name: string }) => c.name)).not.toContain('bad');
  });

  it('connections update changes URL overrides and keeps the output keys', async () => {
    const r = await runCli(
      ['connections', 'update', 'airtable', '--api-base-url', 'http://127.0.0.1:4010', '--json'],
      env,
    );
    expect(r.status).toBe(0);
    expect(Object.keys(JSON.parse(r.stdout)).sort()).toEqual(['id', 'name', 'provider', 'redirectUri']);
    expect(
      JSON.parse((await runCli(['connections', 'get', 'airtable', '--json'], env)).stdout).apiBaseUrl,
    ).toBe('http://127.0.0.1:4010');
    const bad = await runCli(
      ['connections', 'update', 'airtable', '--api-base-url', 'http://example.com'],
      env,
    );
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('loopback');
  });

  it('custom-oauth2 connections need their URLs', async () => {
    const missing = await runCli(
      ['connections', 'create', '--provider', 'custom-oauth2', '--name', 'c1', '--client-id', 'c'],
      env,
    );
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('--authorize-url is required');
    const ok = await runCli(
      [
        'connections',
        'create',
        '--provider',
        'custom-oauth2',
        '--name',
        'c2',
        '--client-id',
        'c',
        '--authorize-url',
        'https://id.example.com/authorize',
        '--token-url',
        'https://id.example.com/token',
        '--api-base-url',
        'https://api.example.com',
        '--no-pkce',
        '--client-auth',
        'post',
        '--scopes',
        'read write',
        '--json',
      ],
      env,
    );
    expect(ok.status).toBe(0);
    const got = JSON.parse((await runCli(['connections', 'get', 'c2', '--json'], env)).stdout);
    expect(got).toMatchObject({ pkce: false, clientAuth: 'post', scopes: ['read', 'write'] });
  });

  it('connections delete removes it; a second delete fails clearly', async () => {
    expect((await runCli(['connections', 'delete', 'c2'], env)).status).toBe(0);
    const again = await runCli(['connections', 'delete', 'c2'], env);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('CONNECTION_NOT_FOUND');
  });

  it('validation errors name the flags; a public client says so; printed URLs follow --port / --public-url', async () => {
    const missing = await runCli(['connections', 'create', '--provider', 'airtable', '--name', 'nope'], env);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe('error: --client-id is required for provider airtable (INVALID_ARGUMENT)\n');
    const noUrl = await runCli(
      ['connections', 'create', '--provider', 'custom-oauth2', '--name', 'nope', '--client-id', 'x'],
      env,
    );
    expect(noUrl.stderr).toMatch(/^error: --authorize-url is required/);

    const pub = await runCli(
      [
        'connections',
        'create',
        '--provider',
        'airtable',
        '--name',
        'public-app',
        '--client-id',
        'pub',
        '--port',
        '9090',
      ],
      env,
    );
    expect(pub.status).toBe(0);
    expect(pub.stdout).toMatch(
      /Redirect URI \(register it at the provider\): http:\/\/localhost:9090\/sso\/v1\/oauth\/conn_\w+\/callback/,
    );
    expect(pub.stdout).toContain('client auth: none (client_id in the body)');
    const got = await runCli(
      ['connections', 'get', 'public-app', '--public-url', 'https://gw.example.com'],
      env,
    );
    expect(got.stdout).toMatch(/https:\/\/gw\.example\.com\/sso\/v1\/oauth\/conn_\w+\/callback/);
    const client = await runCli(['clients', 'create', '--name', 'port-aware', '--port', '9090'], env);
    expect(client.stdout).toContain('SCALEKIT_ENV_URL=http://localhost:9090 ');
    const tls = await runCli(
      ['clients', 'create', '--name', 'tls-aware', '--port', '8443', '--tls-self-signed'],
      env,
    );
    expect(tls.stdout).toContain('SCALEKIT_ENV_URL=https://localhost:8443 ');
    expect((await runCli(['connections', 'delete', 'public-app'], env)).status).toBe(0);

    const secretFile = path.join(dataDir, 'secret.txt');
    writeFileSync(secretFile, 'from-a-file\n', { mode: 0o600 });
    const fromFile = await runCli(
      [
        'connections',
        'create',
        '--provider',
        'airtable',
        '--name',
        'file-secret',
        '--client-id',
        'f',
        '--client-secret-file',
        secretFile,
      ],
      env,
    );
    expect(fromFile.stdout).toContain('client secret: set');
    expect((await runCli(['connections', 'delete', 'file-secret'], env)).status).toBe(0);
  });

  it('bad configuration stops with one line per problem', async () => {
    const r = await runCli(['clients', 'list'], {
      ...env,
      LATCHKEY_PORT: 'abc',
      LATCHKEY_DATABASE_URL: 'mysql://x',
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('LATCHKEY_PORT');
    expect(r.stderr).toContain('LATCHKEY_DATABASE_URL');
  });

  it('serve prints where it listens and stops cleanly on SIGTERM', { timeout: 90_000 }, async () => {
    const run = startCli(['serve', '--port', '0'], env, /listening on (http:\/\/127\.0\.0\.1:\d+)/);
    const [, url] = await run.line;
    const health = await fetch(`${url}/healthz`);
    expect(await health.json()).toEqual({ status: 'ok' });
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  });

  it('serve --tls-self-signed serves HTTPS with a generated CA and prints what each SDK needs', {
    timeout: 90_000,
  }, async () => {
    const run = startCli(
      ['serve', '--port', '0', '--tls-self-signed'],
      env,
      /export REQUESTS_CA_BUNDLE=(\S+)/,
    );
    const [, caFile] = await run.line;
    const { stdout } = run.output();
    const url = /listening on (https:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1];
    expect(url, stdout).toBeDefined();
    expect(caFile).toBe(path.join(dataDir, 'tls', 'ca.pem'));
    for (const name of [
      'SCALEKIT_ENV_URL=https://localhost:',
      'NODE_EXTRA_CA_CERTS=',
      'GRPC_DEFAULT_SSL_ROOTS_FILE_PATH=',
    ]) {
      expect(stdout).toContain(`export ${name}`);
    }
    const trusted = new Agent({ connect: { ca: readFileSync(caFile!), servername: 'localhost' } });
    const health = await undiciFetch(`${url}/healthz`, { dispatcher: trusted });
    expect(await health.json()).toEqual({ status: 'ok' });
    expect(statSync(path.join(dataDir, 'tls', 'server-key.pem')).mode & 0o777).toBe(0o600);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  });

  it('every command has --help (in-process: spawning one CLI per command is too slow for a busy CI)', async () => {
    for (const cmd of [
      [],
      ['serve'],
      ['clients'],
      ['clients', 'create'],
      ['connections'],
      ['connections', 'create'],
      ['accounts'],
      ['accounts', 'list'],
      ['accounts', 'refresh'],
      ['emulator', 'airtable'],
    ]) {
      let out = '';
      const program = buildProgram();
      const quiet = (c: Command): void => {
        c.exitOverride().configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (out += s) });
        for (const sub of c.commands) quiet(sub);
      };
      quiet(program);
      const err = await program.parseAsync(['node', 'latchkey', ...cmd, '--help']).catch((e: unknown) => e);
      expect((err as { code?: string }).code, cmd.join(' ')).toBe('commander.helpDisplayed');
      expect(out).toContain('Usage: latchkey');
    }
  });
});
