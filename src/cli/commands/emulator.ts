import type { Command, CommanderError } from 'commander';
import {
  type AirtableEmulator,
  type AirtableEmulatorOptions,
  startAirtableEmulator,
} from '../../emulators/airtable/index.js';
import { isRedirectUri, redirectUriProblem } from '../../emulators/airtable/options.js';
import { onShutdownSignal } from '../signals.js';

/** Raw commander values of `latchkey emulator airtable`. */
interface RawOptions {
  port?: string;
  host?: string;
  clientId?: string;
  clientSecret?: string;
  redirectUri?: string[];
  autoApprove?: boolean;
  accessTokenTtl?: string;
  refreshTokenTtl?: string;
  rateLimit?: string;
  rateLimitLockout?: string;
  personalAccessToken?: string[];
  revocationEndpoint?: boolean;
  stateFile?: string;
  json?: boolean;
  showSecret?: boolean;
}

type Parsed = { ok: true; options: AirtableEmulatorOptions } | { ok: false; error: string };

function integer(
  flag: string,
  raw: string | undefined,
  min: number,
  max: number,
): number | string | undefined {
  if (raw === undefined) return undefined;
  const n = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  return n >= min && n <= max ? n : `${flag} must be an integer between ${min} and ${max}, got "${raw}"`;
}

/** Validates the flags; the error is one line naming the flag. */
export function parseEmulatorFlags(raw: RawOptions): Parsed {
  const port = integer('--port', raw.port ?? '0', 0, 65535);
  const accessTokenTtlSec = integer('--access-token-ttl', raw.accessTokenTtl, 1, 315_360_000);
  const refreshTokenTtlSec = integer('--refresh-token-ttl', raw.refreshTokenTtl, 1, 315_360_000);
  const rateLimitPerSecond = integer('--rate-limit', raw.rateLimit, 0, 1_000_000);
  const rateLimitLockoutSec = integer('--rate-limit-lockout', raw.rateLimitLockout, 0, 86_400);
  for (const value of [
    port,
    accessTokenTtlSec,
    refreshTokenTtlSec,
    rateLimitPerSecond,
    rateLimitLockoutSec,
  ]) {
    if (typeof value === 'string') return { ok: false, error: value };
  }
  if (!raw.clientId) return { ok: false, error: '--client-id is required' };
  const redirectUris = raw.redirectUri ?? [];
  if (redirectUris.length === 0) return { ok: false, error: 'at least one --redirect-uri is required' };
  const badUri = redirectUris.find((u) => !isRedirectUri(u));
  if (badUri !== undefined) return { ok: false, error: `--redirect-uri: ${redirectUriProblem(badUri)}` };
  if (raw.host === '') return { ok: false, error: '--host must not be empty' };
  const options: AirtableEmulatorOptions = {
    host: raw.host ?? '127.0.0.1',
    port: port as number,
    clientId: raw.clientId,
    redirectUris,
    autoApprove: raw.autoApprove === true,
  };
  if (raw.clientSecret) options.clientSecret = raw.clientSecret;
  if (typeof accessTokenTtlSec === 'number') options.accessTokenTtlSec = accessTokenTtlSec;
  if (typeof refreshTokenTtlSec === 'number') options.refreshTokenTtlSec = refreshTokenTtlSec;
  if (typeof rateLimitPerSecond === 'number') options.rateLimitPerSecond = rateLimitPerSecond;
  if (typeof rateLimitLockoutSec === 'number') options.rateLimitLockoutSec = rateLimitLockoutSec;
  if (raw.personalAccessToken?.length) options.personalAccessTokens = raw.personalAccessToken;
  if (raw.revocationEndpoint) options.revocationEndpoint = true;
  if (raw.stateFile) options.stateFile = raw.stateFile;
  return { ok: true, options };
}

function waitForShutdownSignal(): Promise<void> {
  return new Promise((resolve) => {
    const off = onShutdownSignal(() => {
      off();
      resolve();
    });
  });
}

async function runAirtableEmulator(raw: RawOptions): Promise<void> {
  const parsed = parseEmulatorFlags(raw);
  if (!parsed.ok) {
    process.stderr.write(`error: ${parsed.error}\n`);
    process.exitCode = 2;
    return;
  }
  let emulator: Awaited<ReturnType<typeof startAirtableEmulator>>;
  try {
    emulator = await startAirtableEmulator(parsed.options);
  } catch (err) {
    process.stderr.write(`error: cannot start the Airtable emulator: ${(err as Error).message}\n`);
    process.exitCode = 1;
    return;
  }
  const shutdown = waitForShutdownSignal();
  process.stdout.write(readyText(emulator, raw));
  process.stderr.write(`Airtable emulator listening on ${emulator.url}\n`);
  await shutdown;
  await emulator.close();
}

/**
 * For programs (stdout not a terminal, or `--json`): the one JSON line of the contract. For a person
 * at a terminal: the same facts as lines, the client secret shown only with `--show-secret`.
 */
function readyText(emulator: AirtableEmulator, raw: RawOptions): string {
  const secret = emulator.clientSecret ?? '';
  if (raw.json || !process.stdout.isTTY) {
    const ready = {
      authorizeUrl: emulator.authorizeUrl,
      tokenUrl: emulator.tokenUrl,
      apiBaseUrl: emulator.apiBaseUrl,
      clientId: emulator.clientId,
      clientSecret: secret,
    };
    return `${JSON.stringify(ready)}\n`;
  }
  const shownSecret = !secret
    ? '(none: a public client)'
    : raw.showSecret
      ? secret
      : '(set; --show-secret prints it)';
  return [
    `  authorize URL  ${emulator.authorizeUrl}`,
    `  token URL      ${emulator.tokenUrl}`,
    `  API base URL   ${emulator.apiBaseUrl}`,
    `  client id      ${emulator.clientId}`,
    `  client secret  ${shownSecret}`,
    `  state          ${raw.stateFile ?? 'in memory (--state-file keeps grants and data across restarts)'}`,
    '  Ctrl-C stops it.',
    '',
  ].join('\n');
}

/** Bad flags exit 2 after commander's one-line error; `--help` exits 0. */
function exitOnParseError(err: CommanderError): never {
  process.exit(err.exitCode === 0 ? 0 : 2);
}

/** Adds `emulator airtable` (see ARCHITECTURE.md "Contracts"). */
export function registerEmulatorCommand(program: Command): void {
  const emulator = program
    .command('emulator')
    .description('Run a local emulator of a third-party provider')
    .showHelpAfterError(false)
    .exitOverride(exitOnParseError);
  emulator
    .command('airtable')
    .description("Emulate Airtable's OAuth 2.0 server and a Web API subset (in memory, or in --state-file)")
    .option('--port <n>', 'port to listen on (0 = random)', '0')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--client-id <id>', 'client id of the registered integration')
    .option('--client-secret <secret>', 'client secret (omit for a public client)')
    .option(
      '--redirect-uri <uri>',
      'registered redirect URI (repeatable)',
      (v: string, all: string[] | undefined) => [...(all ?? []), v],
    )
    .option('--auto-approve', 'skip the consent page and approve at once')
    .option('--access-token-ttl <sec>', 'access token lifetime in seconds (default 3600)')
    .option('--refresh-token-ttl <sec>', 'refresh token lifetime in seconds (default 5184000)')
    .option('--rate-limit <n>', 'requests per second per base (default 5, 0 disables)')
    .option(
      '--rate-limit-lockout <sec>',
      'seconds every request to a base gets 429 after it went over (default 30)',
    )
    .option(
      '--personal-access-token <token>',
      'accept this personal access token on the Web API, all scopes and bases (repeatable; for airtable-pat)',
      (v: string, all: string[] | undefined) => [...(all ?? []), v],
    )
    .option('--revocation-endpoint', 'serve RFC 7009 revocation at /oauth2/v1/revoke (Airtable has none)')
    .option('--state-file <path>', 'keep grants, tokens and data in this file across restarts (mode 0600)')
    .option('--json', 'print the one JSON ready line even at a terminal (always printed when piped)')
    .option('--show-secret', 'show the client secret at a terminal')
    .allowExcessArguments(false)
    .showHelpAfterError(false)
    .exitOverride(exitOnParseError)
    .action(runAirtableEmulator);
}
