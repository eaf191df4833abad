import { AppError } from '../errors/index.js';
import type { TenantHook } from './types.js';

const PLACEHOLDER = /\{([a-z_]+)\}/g;
/** A tenant value placed inside a URL path (a cloud id) must be one plain segment. */
const SEGMENT = /^[A-Za-z0-9._~-]{1,200}$/;

/** Reads a dotted path (`0.id`, `instance_url`) out of a JSON value; only strings count. */
function pick(value: unknown, path: string): string | undefined {
  let cur: unknown = value;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return typeof cur === 'string' && cur !== '' ? cur : undefined;
}

/** Picks the tenant hook's values out of a JSON document (token answer or discovery answer). */
export function pickTenantValues(
  spec: Record<string, string> | undefined,
  doc: unknown,
): Record<string, string> | undefined {
  if (!spec) return undefined;
  const out: Record<string, string> = {};
  for (const [name, path] of Object.entries(spec)) {
    const v = pick(doc, path);
    if (v !== undefined) out[name] = v;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The hook's values from a token endpoint answer (Salesforce `instance_url`). */
export function tenantValuesFromTokenResponse(
  hook: TenantHook | undefined,
  body: unknown,
): Record<string, string> | undefined {
  return pickTenantValues(hook?.fromTokenResponse, body);
}

/**
 * The API base URL for one account: `{name}` placeholders filled from its tenant values. A value
 * that is the whole URL must itself be an http(s) URL; one inside a URL must be a plain path
 * segment, so a provider's answer can never move the base to another host or path.
 */
export function resolveApiBaseUrl(template: string, tenant: Record<string, string> | null): string {
  if (!template.includes('{')) return template;
  return template.replace(PLACEHOLDER, (whole, name: string) => {
    const value = tenant?.[name];
    if (value === undefined) {
      throw new AppError(
        'REAUTHORIZATION_REQUIRED',
        `The connected account has no ${name} from the provider; get a new authorization link for this user.`,
      );
    }
    const valid =
      whole === template
        ? /^https?:\/\/[^/?#@]+\/?$/.test(value)
        : SEGMENT.test(value) && value !== '.' && value !== '..';
    if (!valid) throw new AppError('INTERNAL', `The provider sent an unusable ${name}.`);
    return whole === template ? value.replace(/\/$/, '') : value;
  });
}
