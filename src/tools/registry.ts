import { z } from 'zod';
import { AppError } from '../errors/index.js';
import { getProvider } from '../providers/index.js';
import { airtableTools } from './airtable/index.js';
import { MAX_PAGES_PARAM, type ToolDefinition, type ToolProvider } from './types.js';

/** A tool with its provider facts and its compiled input validator. */
export interface RegisteredTool {
  definition: ToolDefinition;
  provider: ToolProvider;
  validator: z.ZodType;
}

const TOOL_NAME = /^[a-z][a-z0-9_]{2,63}$/;

function fail(tool: string, problem: string): never {
  throw new Error(`tool ${tool}: ${problem}`);
}

/** Every consistency rule between a tool's schema and its request mapping, checked once at load. */
function check(provider: ToolProvider, def: ToolDefinition): RegisteredTool {
  if (!TOOL_NAME.test(def.name)) fail(def.name, 'invalid name');
  if (!def.description || !def.annotations.title) fail(def.name, 'needs a description and a title');
  const props = (def.inputSchema.properties ?? {}) as Record<string, { type?: string }>;
  const required = (def.inputSchema.required ?? []) as string[];
  if (def.inputSchema.type !== 'object') fail(def.name, 'input schema must be an object');
  const { request } = def;
  for (const [, name] of request.path.matchAll(/\{([a-z_]+)\}/g)) {
    if (!required.includes(name!)) fail(def.name, `path parameter ${name} must be a required input`);
  }
  for (const name of [...Object.keys(request.query ?? {}), ...Object.keys(request.body ?? {})]) {
    if (!(name in props)) fail(def.name, `mapped input ${name} is not in the schema`);
  }
  if (request.batch && props[request.batch.input]?.type !== 'array')
    fail(def.name, 'batch input must be an array');
  if (request.pages && !(MAX_PAGES_PARAM in props)) fail(def.name, `paged tools take ${MAX_PAGES_PARAM}`);
  if (request.host && !(request.host in provider.hosts)) fail(def.name, `unknown host ${request.host}`);
  for (const scope of def.scopes) {
    if (!getProvider(provider.provider).scopes?.some((s) => s.name === scope))
      fail(def.name, `unknown scope ${scope}`);
  }
  let validator: z.ZodType;
  try {
    validator = z.fromJSONSchema(def.inputSchema as Parameters<typeof z.fromJSONSchema>[0]);
  } catch (err) {
    fail(def.name, `input schema does not compile: ${(err as Error).message}`);
  }
  return { definition: Object.freeze(def), provider, validator };
}

function buildRegistry(providers: ToolProvider[]): ReadonlyMap<string, RegisteredTool> {
  const map = new Map<string, RegisteredTool>();
  for (const provider of providers) {
    for (const def of provider.tools) {
      if (map.has(def.name)) fail(def.name, 'defined twice');
      map.set(def.name, check(provider, def));
    }
  }
  return map;
}

/** Validated once at module load: a broken definition stops startup (like providers/registry.ts). */
const REGISTRY = buildRegistry([airtableTools]);

export function listTools(): RegisteredTool[] {
  return [...REGISTRY.values()];
}

/** The tool, or TOOL_NOT_FOUND. */
export function getTool(name: string): RegisteredTool {
  const tool = REGISTRY.get(name);
  if (!tool) throw new AppError('TOOL_NOT_FOUND', `No tool named "${name.slice(0, 100)}".`);
  return tool;
}

export function findTool(name: string): RegisteredTool | undefined {
  return REGISTRY.get(name);
}
