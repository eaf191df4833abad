import type { ProviderDefinition, TokenPlacement } from '../../providers/index.js';

/**
 * How the emulated provider behaves, read off a provider definition: every quirk the definition
 * names is imitated (the emulator is the definition's counterpart, so a wrong hook fails a test).
 */
export interface EmulatorProfile {
  key: string;
  displayName: string;
  clientAuth: 'basic' | 'post' | 'none';
  pkceRequired: boolean;
  scopeParam: string;
  scopeSeparator: string;
  /** How granted scopes are written in token answers. */
  grantedScopeSeparator: string;
  /** Authorize parameters the provider expects (each one must arrive with this value). */
  authorizeParams: Record<string, string>;
  /** The user's token goes under this key of the code answer (Slack `authed_user`). */
  nestUnder: string | null;
  /** Errors answered with HTTP 200 (`{ok: false, error}`). */
  errorsIn200: boolean;
  /** `token_type` in answers (Slack: `user`). */
  tokenType: string;
  /** null: answers carry no `expires_in`. */
  expiresInUnit: 'seconds' | 'milliseconds' | null;
  issuesRefreshTokens: boolean;
  /** Each refresh issues a new refresh token and kills the old one. */
  rotates: boolean;
  /** Token answer fields holding the tenant's API URL (Salesforce `instance_url`). */
  tenantUrlFields: string[];
  /** GET path listing the user's sites (Atlassian accessible resources). */
  discoveryPath: string | null;
  revokeStyle: 'rfc7009' | 'bearer' | 'none';
  tokenPlacement: TokenPlacement;
}

export function profileOf(def: ProviderDefinition): EmulatorProfile {
  const q = def.quirks ?? {};
  const style = def.revokeUrl ? (def.revokeStyle ?? 'rfc7009') : 'none';
  return {
    key: def.key,
    displayName: def.displayName,
    clientAuth: def.clientAuth,
    pkceRequired: def.pkceRequired,
    scopeParam: q.scopeParam ?? 'scope',
    scopeSeparator: def.scopeSeparator,
    grantedScopeSeparator: q.grantedScopeSeparator ?? def.scopeSeparator,
    authorizeParams: q.authorizeParams ?? {},
    nestUnder: q.tokenResponseKey ?? null,
    errorsIn200: q.errorsInSuccessfulAnswers === true,
    tokenType: q.tokenTypeOverride ? 'user' : 'Bearer',
    expiresInUnit: q.expiresInAbsent ? null : (q.expiresInUnit ?? 'seconds'),
    issuesRefreshTokens: def.issuesRefreshTokens !== false,
    rotates: def.rotatesRefreshTokens,
    tenantUrlFields: Object.values(q.tenant?.fromTokenResponse ?? {}),
    discoveryPath: q.tenant?.discovery?.path ?? null,
    revokeStyle: style === 'manual' ? 'none' : style,
    tokenPlacement: def.tokenPlacement ?? { header: 'authorization', prefix: 'Bearer ' },
  };
}
