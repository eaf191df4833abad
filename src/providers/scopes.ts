import { AppError } from '../errors/index.js';
import type { ProviderDefinition } from './types.js';

/**
 * Validates requested scopes against the provider's catalog: aliases become the real scope,
 * duplicates collapse, unknown scopes are rejected with the list of valid ones.
 */
export function normalizeScopes(provider: ProviderDefinition, requested: string[]): string[] {
  const out: string[] = [];
  const unknown: string[] = [];
  for (const raw of requested.map((s) => s.trim()).filter(Boolean)) {
    const scope = provider.scopeAliases[raw] ?? raw;
    if (/\s/.test(scope) || (provider.scopes && !provider.scopes.some((s) => s.name === scope))) {
      unknown.push(raw);
      continue;
    }
    if (!out.includes(scope)) out.push(scope);
  }
  if (unknown.length > 0) {
    const valid = provider.scopes?.map((s) => s.name) ?? [];
    throw new AppError(
      'UNKNOWN_SCOPE',
      `Unknown ${provider.displayName} scope${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}. Valid scopes: ${valid.join(', ')}.`,
      { details: { unknown_scopes: unknown, valid_scopes: valid } },
    );
  }
  return out;
}

/** Splits a CLI/API scope string ("a b", "a,b") into a list. */
export function splitScopes(value: string): string[] {
  return value.split(/[\s,]+/).filter(Boolean);
}
