import path from 'node:path';
import { defineConfig } from 'vite';

/** The dashboard SPA: `web/` → `dist/web/` (served by src/dashboard/static.ts). Preact via the automatic JSX runtime. */
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: path.resolve(import.meta.dirname, '../dist/web'),
    emptyOutDir: true,
    assetsDir: 'assets',
    // No inline polyfill script: the CSP allows scripts from 'self' only.
    modulePreload: { polyfill: false },
    target: 'es2022',
    sourcemap: false,
  },
});
