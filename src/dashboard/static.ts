import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { renderPage } from '../api/pages/render.js';
import { sendHtml, sendRaw } from '../http/respond.js';
import type { Router } from '../http/router.js';
import type { HttpResponse } from '../http/types.js';

/** Where `vite build` puts the SPA (`web/` → `dist/web/`); the same from `src/` (tsx) and `dist/` (node). */
export const WEB_ROOT = path.resolve(import.meta.dirname, '../../dist/web');

/** The SPA's client-side routes: each serves index.html (the app routes itself). Nothing else does. */
export const CLIENT_ROUTES = [
  '/',
  '/sign-in',
  '/setup',
  '/connections',
  '/accounts',
  '/accounts/:id',
  '/credentials',
  '/logs',
  '/webhooks',
];

/** Same-origin only: scripts, styles, fonts and API calls all come from Latchkey itself. */
const SPA_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
  '.png': 'image/png',
  '.json': 'application/json',
};

function notBuilt(res: HttpResponse): void {
  sendHtml(
    res,
    503,
    renderPage({
      title: 'Dashboard not built',
      heading: 'The dashboard is not built',
      message: 'Run "npm run build" (npm ci and npm start do it for you), then reload this page.',
      tone: 'error',
      footnote: `Looked for ${path.join(WEB_ROOT, 'index.html')}`,
    }),
  );
}

/**
 * Serves the built dashboard: `index.html` (no-cache, strict CSP) at each client route, and the
 * hashed files under `/assets/` (cached for a year, immutable). Read once, then kept in memory.
 */
export function registerStaticRoutes(router: Router, root = WEB_ROOT): void {
  const cache = new Map<string, Buffer | null>();
  const load = async (file: string): Promise<Buffer | null> => {
    if (!cache.has(file)) cache.set(file, await readFile(path.join(root, file)).catch(() => null));
    return cache.get(file) ?? null;
  };

  const index = async (_req: unknown, res: HttpResponse) => {
    const html = await load('index.html');
    if (!html) {
      cache.delete('index.html');
      return notBuilt(res);
    }
    sendRaw(
      res,
      200,
      {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-cache',
        'content-security-policy': SPA_CSP,
        'x-frame-options': 'DENY',
        'referrer-policy': 'no-referrer',
        'x-content-type-options': 'nosniff',
      },
      html,
    );
  };
  for (const route of CLIENT_ROUTES) router.add('GET', route, index);

  router.add('GET', '/assets/:file', async (_req, res, params) => {
    const name = params.file ?? '';
    const type = TYPES[path.extname(name)];
    const body = /^[A-Za-z0-9_.-]+$/.test(name) && type ? await load(path.join('assets', name)) : null;
    if (!body) {
      sendRaw(
        res,
        404,
        { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
        Buffer.from('Not found'),
      );
      return;
    }
    sendRaw(
      res,
      200,
      {
        'content-type': type!,
        'cache-control': 'public, max-age=31536000, immutable',
        'x-content-type-options': 'nosniff',
      },
      body,
    );
  });
}
