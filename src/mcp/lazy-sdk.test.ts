import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The MCP SDK (about 8 MiB of heap with its schemas) is loaded on the first authenticated
 * `/mcp` message (routes.ts imports messages.ts dynamically), not at start-up: a Latchkey that
 * only proxies never holds it. This walks the static import graph from the entry points and fails
 * if any module reached imports the SDK, or the module that uses it, without `import()`.
 */
const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ENTRIES = ['main.ts', 'server.ts', 'runtime.ts'].map((f) => path.join(SRC, f));

/** Value imports and re-exports (`import type` / `export type` load nothing at run time). */
const STATIC_IMPORT = /^\s*(?:import|export)\s+(?!type\b)(?:[\s\S]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;

function staticImports(file: string): string[] {
  const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
  return [...text.matchAll(STATIC_IMPORT)].map((m) => m[1]!);
}

function reachable(): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const todo = [...ENTRIES];
  while (todo.length > 0) {
    const file = todo.pop()!;
    if (seen.has(file)) continue;
    const specs = staticImports(file);
    seen.set(file, specs);
    for (const spec of specs) {
      if (!spec.startsWith('.')) continue;
      const target = path.resolve(path.dirname(file), spec.replace(/\.js$/, '.ts'));
      if (existsSync(target)) todo.push(target);
    }
  }
  return seen;
}

describe('the MCP SDK is loaded on first use', () => {
  const graph = reachable();

  it('the walk follows the start-up graph (it reaches the MCP routes and the proxy)', () => {
    expect(graph.has(path.join(SRC, 'mcp/routes.ts'))).toBe(true);
    expect(graph.has(path.join(SRC, 'proxy/pipeline.ts'))).toBe(true);
  });

  it('no module loaded at start-up imports the SDK or the modules built on it', () => {
    const offenders = [...graph]
      .filter(([, specs]) => specs.some((s) => s.startsWith('@modelcontextprotocol/sdk')))
      .map(([file]) => path.relative(SRC, file));
    expect(offenders).toEqual([]);
    expect(graph.has(path.join(SRC, 'mcp/messages.ts'))).toBe(false);
    expect(graph.has(path.join(SRC, 'mcp/server.ts'))).toBe(false);
  });

  it('the pattern sees a value import and ignores a type-only one', () => {
    expect(staticImports(path.join(SRC, 'mcp/messages.ts'))).toContain('@modelcontextprotocol/sdk/types.js');
    expect(staticImports(path.join(SRC, 'mcp/routes.ts')).some((s) => s.includes('server.js'))).toBe(false);
  });
});
