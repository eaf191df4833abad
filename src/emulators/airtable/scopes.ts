/** Airtable's basic OAuth scopes with the descriptions shown on the consent page. */
export const SCOPE_DESCRIPTIONS: Readonly<Record<string, string>> = {
  'data.records:read': 'See the data in records',
  'data.records:write': 'Create, edit and delete records',
  'data.recordComments:read': 'See comments in records',
  'data.recordComments:write': 'Create, edit and delete record comments',
  'schema.bases:read': 'See the structure of a base, like table names or field types',
  'schema.bases:write': 'Edit the structure of a base, like adding new fields or tables',
  'webhook:manage': 'View, create and delete webhooks for a base, and fetch webhook payloads',
  'block:manage': 'Create new releases and submissions for custom extensions',
  'user.email:read': "See the user's email address",
  'workspacesAndBases:read': 'See workspace and base metadata, collaborators and views',
};

export const BASIC_SCOPES: readonly string[] = Object.keys(SCOPE_DESCRIPTIONS);

export function describeScope(scope: string): string {
  return SCOPE_DESCRIPTIONS[scope] ?? scope;
}

/** Airtable scope tokens: printable, no spaces (e.g. `data.records:read`). */
const SCOPE_TOKEN = /^[A-Za-z0-9._:-]+$/;

export type ScopeParseResult = { ok: true; scopes: string[] } | { ok: false; reason: string };

/**
 * Parses a space-delimited scope string the way Airtable's authorize endpoint does:
 * non-empty, well-formed, no duplicates, every scope enabled on the integration.
 */
export function parseScopes(raw: string, allowed: readonly string[]): ScopeParseResult {
  if (raw.trim() === '') return { ok: false, reason: 'scope must not be empty' };
  const scopes = raw.split(' ');
  const seen = new Set<string>();
  for (const scope of scopes) {
    if (!SCOPE_TOKEN.test(scope)) return { ok: false, reason: 'scope is malformed' };
    if (seen.has(scope)) return { ok: false, reason: `scope ${scope} is duplicated` };
    if (!allowed.includes(scope)) {
      return { ok: false, reason: `scope ${scope} is not enabled for this integration` };
    }
    seen.add(scope);
  }
  return { ok: true, scopes };
}
