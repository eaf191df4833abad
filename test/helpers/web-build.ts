import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { build } from 'vite';
import { WEB_ROOT } from '../../src/dashboard/static.js';

const WEB_SRC = path.resolve(import.meta.dirname, '../../web');

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : statSync(full).mtimeMs);
  }
  return latest;
}

/** Builds the dashboard bundle when it is missing or older than its sources, so the browser tests never test a stale UI. */
export async function ensureWebBuild(): Promise<void> {
  let built = 0;
  try {
    built = statSync(path.join(WEB_ROOT, 'index.html')).mtimeMs;
  } catch {}
  if (built > newest(WEB_SRC)) return;
  await build({ configFile: path.join(WEB_SRC, 'vite.config.ts'), logLevel: 'warn' });
}
