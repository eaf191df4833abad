import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ScalekitClient } from '@scalekit-sdk/node';
import { describe, expect, it } from 'vitest';
import { SERVICES } from '../rpc/descriptors.js';
import { PYTHON_SDK_CLASSES, PYTHON_SDK_METHODS } from './python-sdk.js';
import { NODE_NAMESPACES, NODE_PARTIAL, PYTHON_NOT_COVERED, SDK_METHODS } from './sdk-methods.js';
import { servedMethods } from './served.js';
import { renderCompatTable } from './table.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
/**
 * The vendored Python SDK, which is not part of this repository: in the team's shared folder beside
 * the checkout (`LATCHKEY_SHARED_DIR`, default `../shared`) when at hand; the snapshot in
 * python-sdk.ts is checked against it.
 */
const PYTHON_SDK = path.resolve(
  process.env.LATCHKEY_SHARED_DIR ?? path.resolve(ROOT, '../shared'),
  'vendor/scalekit-sdk-python/scalekit',
);

/** Every method an SDK client object offers: its prototype's and its own function properties. */
function methodsOf(obj: object): string[] {
  const proto = Object.getOwnPropertyNames(Object.getPrototypeOf(obj)).filter((n) => n !== 'constructor');
  const own = Object.entries(obj)
    .filter(([, v]) => typeof v === 'function')
    .map(([k]) => k);
  return [...new Set([...proto, ...own])].sort();
}

/** `Service.Method` of everything Latchkey implements, and the proxy. */
const implemented = servedMethods();
implemented.add('HTTP /proxy');

/** Public methods of a class in the vendored Python SDK (4-space-indented `def name(`). */
function pythonMethods(file: string, className: string): string[] {
  const src = readFileSync(path.join(PYTHON_SDK, file), 'utf8');
  const start = src.indexOf(`class ${className}`);
  const rest = src.slice(start + 1);
  const next = rest.search(/\nclass /);
  const body = next === -1 ? rest : rest.slice(0, next);
  return [...body.matchAll(/^ {4}def ([a-z][a-z0-9_]*)\(/gm)].map((m) => m[1]!);
}

describe('the SDK compatibility table', () => {
  const client = new ScalekitClient('http://127.0.0.1:1', 'skc_1', 'secret') as unknown as Record<
    string,
    object
  >;

  it.each(NODE_NAMESPACES)('lists every method of the Node client %s, and only those', (ns) => {
    const rows = SDK_METHODS.flatMap((r) =>
      r.node?.startsWith(`${ns}.`) ? [r.node.slice(ns.length + 1)] : [],
    );
    expect(rows.sort()).toEqual(methodsOf(client[ns]!));
  });

  it('lists the app-level methods of the Node connection client', () => {
    for (const [ns, methods] of Object.entries(NODE_PARTIAL)) {
      const rows = SDK_METHODS.flatMap((r) =>
        r.node?.startsWith(`${ns}.`) ? [r.node.slice(ns.length + 1)] : [],
      );
      expect(rows).toEqual(methods);
      for (const m of methods) expect(methodsOf(client[ns]!)).toContain(m);
    }
  });

  it("names only RPCs that exist in the pinned SDK's service descriptors", () => {
    const known = new Set(SERVICES.flatMap((s) => s.methods.map((m) => `${s.name}.${m.name}`)));
    known.add('HTTP /proxy');
    for (const row of SDK_METHODS) for (const call of row.calls) expect(known, call).toContain(call);
  });

  it('says "supported" exactly when Latchkey implements every call of the row', () => {
    for (const row of SDK_METHODS) {
      const served = row.calls.every((c) => implemented.has(c));
      expect(row.status === 'supported', `${row.node ?? row.python[0]}: ${row.calls.join(', ')}`).toBe(
        served,
      );
    }
  });

  it('covers every public method of the Python SDK clients it describes, and names only real ones', () => {
    const inTable = new Set(SDK_METHODS.flatMap((r) => r.python));
    for (const ns of ['actions', 'connected_accounts', 'tools'] as const) {
      for (const m of PYTHON_SDK_METHODS[ns]) {
        const name = `${ns}.${m}`;
        expect(inTable.has(name) || name in PYTHON_NOT_COVERED, name).toBe(true);
      }
    }
    const all = new Set(
      Object.entries(PYTHON_SDK_METHODS).flatMap(([ns, methods]) => methods.map((m) => `${ns}.${m}`)),
    );
    for (const name of [...inTable, ...Object.keys(PYTHON_NOT_COVERED)]) expect(all, name).toContain(name);
  });

  it.skipIf(!existsSync(PYTHON_SDK))('lists the Python methods as the vendored SDK defines them', () => {
    for (const [ns, [file, cls]] of Object.entries(PYTHON_SDK_CLASSES)) {
      expect(pythonMethods(file, cls), ns).toEqual([
        ...PYTHON_SDK_METHODS[ns as keyof typeof PYTHON_SDK_METHODS],
      ]);
    }
  });

  it('is what the README shows (run `npm run docs:compat` after changing sdk-methods.ts)', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain(renderCompatTable());
  });
});
