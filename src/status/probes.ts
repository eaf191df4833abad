import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { servedMethods } from '../api/compat/served.js';
import { buildProgram } from '../cli/program.js';
import { envSchema } from '../config/schema.js';

/**
 * Something the code base can be asked about without running a server: is this part built?
 * A `works` row's probes must all answer yes, a `planned` row's all no (status.test.ts).
 */
export type Probe =
  /** A command path registered by `buildProgram` (src/cli/program.ts), e.g. `admin create`. */
  | { cli: string }
  /** A variable of the configuration schema (src/config/schema.ts). */
  | { env: string }
  /** A served RPC service (`McpService`) or method (`ToolService.ExecuteTool`). */
  | { rpc: string }
  /** `router.add('<method>', '<path>'` in that source file, e.g. `{ route: '* /mcp', in: 'src/mcp/routes.ts' }`. */
  | { route: string; in: string }
  /** Built when the file holds the text. */
  | { file: string; has: string }
  /** Built when the file no longer holds the text (it marks what is missing). */
  | { file: string; lacks: string }
  /** Built when any non-test source file under src/ (outside src/status) mentions it, in any case. */
  | { code: string };

export const ROOT = path.resolve(import.meta.dirname, '../..');

const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

function commandPaths(cmd: Command, prefix = ''): string[] {
  return cmd.commands.flatMap((c) => {
    const name = `${prefix}${c.name()}`;
    return [name, ...commandPaths(c, `${name} `)];
  });
}

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) return rel === 'src/status' ? [] : sourceFiles(rel);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [rel] : [];
  });
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** What the probes look at, gathered once. */
export function probeContext() {
  const served = servedMethods();
  const services = new Set([...served].map((m) => m.split('.')[0]!));
  return {
    commands: new Set(commandPaths(buildProgram())),
    envVars: new Set(Object.keys(envSchema.shape)),
    rpc: new Set([...served, ...services]),
    sources: sourceFiles('src'),
  };
}
export type ProbeContext = ReturnType<typeof probeContext>;

export function isBuilt(probe: Probe, ctx: ProbeContext): boolean {
  if ('cli' in probe) return ctx.commands.has(probe.cli);
  if ('env' in probe) return ctx.envVars.has(probe.env);
  if ('rpc' in probe) return ctx.rpc.has(probe.rpc);
  if ('route' in probe) {
    const [method, route] = probe.route.split(' ') as [string, string];
    return new RegExp(`router\\.add\\(\\s*'${escapeRegExp(method)}',\\s*'${escapeRegExp(route)}'`).test(
      read(probe.in),
    );
  }
  if ('code' in probe) {
    const needle = probe.code.toLowerCase();
    return ctx.sources.some((f) => read(f).toLowerCase().includes(needle));
  }
  if (!existsSync(path.join(ROOT, probe.file))) throw new Error(`probe names a missing file: ${probe.file}`);
  return 'has' in probe ? read(probe.file).includes(probe.has) : !read(probe.file).includes(probe.lacks);
}

/** The probe in words, for failure messages. */
export const describeProbe = (p: Probe) => JSON.stringify(p);
