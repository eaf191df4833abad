import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleApi } from './api/router.js';
import { defaultBaseIds, handleAuthorize } from './authorize.js';
import { handleConsent } from './consent.js';
import { CONSENT_PATH } from './consent-page.js';
import { createContext, type EmulatorContext } from './context.js';
import { sendJson, sendNotFound } from './errors.js';
import { pathSegments } from './http-util.js';
import { resolveOptions } from './options.js';
import { restoreState, saveState } from './persistence.js';
import { handleRevoke } from './revoke.js';
import { snapshotStats } from './stats.js';
import { handleToken } from './token.js';
import type { AirtableEmulator, AirtableEmulatorOptions } from './types.js';

async function route(ctx: EmulatorContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://emulator.invalid');
  const method = req.method ?? 'GET';
  const path = url.pathname;
  if (path === '/oauth2/v1/authorize' && method === 'GET') return handleAuthorize(ctx, res, url);
  if (path === CONSENT_PATH && method === 'POST') return handleConsent(ctx, req, res);
  if (path === '/oauth2/v1/token' && method === 'POST') return handleToken(ctx, req, res);
  if (path === '/oauth2/v1/revoke' && method === 'POST' && ctx.config.revocationEndpoint) {
    return handleRevoke(ctx, req, res);
  }
  if (path === '/_emulator/stats' && method === 'GET') return sendJson(res, 200, snapshotStats(ctx.stats));
  const attachment = /^\/_emulator\/attachments\/(att[A-Za-z0-9]{14})$/.exec(path)?.[1];
  if (attachment && method === 'GET') return sendAttachment(ctx, res, attachment);
  const segments = pathSegments(path);
  if (segments?.[0] === 'v0') return handleApi(ctx, req, res, url, segments.slice(1));
  sendNotFound(res);
}

function sendAttachment(ctx: EmulatorContext, res: ServerResponse, id: string) {
  const file = ctx.attachments.get(id);
  if (!file) return sendNotFound(res);
  res.writeHead(200, { 'Content-Type': file.type, 'Content-Length': file.bytes.length });
  res.end(file.bytes);
}

/** With a state file: every request that may change state saves it before its reply is sent. */
function saveBeforeReply(res: ServerResponse, save: () => void): void {
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  res.end = ((...args: unknown[]) => {
    try {
      save();
    } catch (err) {
      process.stderr.write(`airtable emulator: cannot save the state file: ${(err as Error).message}\n`);
      res.destroy();
      return res;
    }
    return end(...args);
  }) as ServerResponse['end'];
}

/** The request listener of an emulator (exposed for embedding in another server). */
export function createAirtableHandler(ctx: EmulatorContext, save?: () => void) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    if (save && req.method !== 'GET' && req.method !== 'HEAD') saveBeforeReply(res, save);
    route(ctx, req, res).catch(() => {
      // Never crash on a request; answer 500 if nothing was sent yet.
      if (!res.headersSent)
        sendJson(res, 500, { error: { type: 'SERVER_ERROR', message: 'Internal error' } });
      else res.destroy();
    });
  };
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** `http://host:port`, with wildcard hosts shown as loopback and IPv6 in brackets. */
function baseUrl(host: string, port: number): string {
  const shown = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}`;
}

/** Starts an Airtable emulator (OAuth 2.0 server + Web API subset) on a node:http server. */
export async function startAirtableEmulator(options: AirtableEmulatorOptions): Promise<AirtableEmulator> {
  const config = resolveOptions(options);
  const ctx = createContext(config);
  const addPat = (token: string) =>
    ctx.state.addPersonalToken(
      token,
      [...config.registeredScopes],
      ctx.workspace.map((b) => b.id),
    );
  const { stateFile } = config;
  if (stateFile) restoreState(ctx, stateFile);
  for (const token of config.personalAccessTokens) if (!ctx.state.personalTokens.has(token)) addPat(token);
  const save = stateFile ? () => saveState(ctx, stateFile) : undefined;
  save?.();
  const handler = createAirtableHandler(ctx, save);
  const { extraRoutes } = options;
  const server = createServer(
    extraRoutes
      ? (req, res) => {
          if (!extraRoutes(req, res)) handler(req, res);
        }
      : handler,
  );
  const address = await listen(server, config.port, config.host);
  const url = baseUrl(config.host, address.port);
  ctx.url = url;
  let closing: Promise<void> | undefined;
  return {
    url,
    authorizeUrl: `${url}/oauth2/v1/authorize`,
    tokenUrl: `${url}/oauth2/v1/token`,
    apiBaseUrl: url,
    revokeUrl: config.revocationEndpoint ? `${url}/oauth2/v1/revoke` : undefined,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    user: { ...config.user },
    stats: () => snapshotStats(ctx.stats),
    expireAccessTokens: () => ctx.state.expireAccessTokens(),
    revokeAllGrants: () => ctx.state.revokeAllGrants(),
    inspect: () => ({ bases: ctx.workspace, webhooks: (baseId: string) => ctx.webhooks.list(baseId) }),
    issuedSecrets: () => ctx.state.issuedSecrets(),
    addPersonalAccessToken: addPat,
    seedGrants: (count, opts = {}) =>
      ctx.state.seedGrants(config.clientId, count, {
        scopes: opts.scopes ?? [...config.registeredScopes],
        baseIds: defaultBaseIds(ctx),
        accessTtlSec: opts.accessTtlSec ?? config.accessTokenTtlSec,
        refreshTtlSec: opts.refreshTtlSec ?? config.refreshTokenTtlSec,
      }),
    close: () => {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
