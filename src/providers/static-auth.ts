import { AppError } from '../errors/index.js';
import { hasControlChar } from '../shared/chars.js';
import type { CredentialPlacement } from '../store/index.js';
import type { ProviderDefinition, StaticPlacement } from './types.js';

type StaticAuth = Extract<ProviderDefinition['auth'], { type: 'static' }>;

/** The provider's static-auth description, or undefined for OAuth providers. */
export function staticAuthOf(def: ProviderDefinition): StaticAuth | undefined {
  return def.auth.type === 'static' ? def.auth : undefined;
}

/** Where a per-connection provider's key goes when the connection does not say: `X-API-Key`. */
export const DEFAULT_KEY_PLACEMENT: CredentialPlacement = { in: 'header', name: 'X-API-Key', prefix: '' };

/** The placement in force for a connection: the provider's, or the connection's own (custom-api-key). */
export function placementFor(
  auth: StaticAuth,
  connectionPlacement: CredentialPlacement | null,
): StaticPlacement {
  if (auth.placement !== 'connection') return auth.placement;
  const field = auth.fields[0]!.key;
  return { ...(connectionPlacement ?? DEFAULT_KEY_PLACEMENT), field };
}

const MAX_CREDENTIAL_CHARS = 4096;

/**
 * Checks credentials against the provider's fields: each declared field a non-empty string of at
 * most 4096 characters without control characters, nothing undeclared. `path` names the input in
 * errors (e.g. `connected_account.authorization_details.static_auth.details`). The values never
 * appear in the error.
 */
export function checkCredentials(
  auth: StaticAuth,
  input: Record<string, unknown>,
  path: string,
): Record<string, string> {
  const problems: Array<{ field: string; description: string }> = [];
  const out: Record<string, string> = {};
  for (const f of auth.fields) {
    const v = input[f.key];
    if (typeof v !== 'string' || v.trim() === '') {
      problems.push({ field: `${path}.${f.key}`, description: 'value is required' });
    } else if (v.length > MAX_CREDENTIAL_CHARS) {
      problems.push({
        field: `${path}.${f.key}`,
        description: `value length must be at most ${MAX_CREDENTIAL_CHARS} characters`,
      });
    } else if (hasControlChar(v)) {
      problems.push({ field: `${path}.${f.key}`, description: 'value must not contain control characters' });
    } else {
      out[f.key] = v.trim();
    }
  }
  for (const key of Object.keys(input)) {
    if (!auth.fields.some((f) => f.key === key)) {
      problems.push({ field: `${path}.${key.slice(0, 64)}`, description: 'unknown credential field' });
    }
  }
  if (problems.length > 0) {
    const expected = auth.fields.map((f) => f.key).join(', ');
    throw new AppError(
      'INVALID_ARGUMENT',
      `Invalid credentials: ${problems.map((p) => `${p.field}: ${p.description}`).join('; ')} (expected: ${expected}).`,
      { details: { field_violations: problems } },
    );
  }
  return out;
}

/**
 * The header and query pairs that carry the credentials to the provider. Header names are
 * lower-cased so they can replace any header of the same name the app sent.
 */
export function credentialInjection(
  placement: StaticPlacement,
  credentials: Record<string, string>,
): { headers: Array<[string, string]>; query: Array<[string, string]> } {
  if (placement.in === 'basic') {
    const raw = `${credentials[placement.usernameField] ?? ''}:${credentials[placement.passwordField] ?? ''}`;
    return {
      headers: [['authorization', `Basic ${Buffer.from(raw, 'utf8').toString('base64')}`]],
      query: [],
    };
  }
  const value = credentials[placement.field] ?? '';
  if (placement.in === 'query') return { headers: [], query: [[placement.name, value]] };
  return { headers: [[placement.name.toLowerCase(), `${placement.prefix}${value}`]], query: [] };
}
