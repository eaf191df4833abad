import { type Dispatcher, fetch as undiciFetch } from 'undici';
import { pickTenantValues } from '../providers/tenant.js';
import { isInsecureAllowed, type OAuthEndpoints } from './endpoints.js';
import { OAuthGrantError, OAuthTransportError, translateOAuthError } from './errors.js';
import type { TokenClientOptions } from './token-client.js';

/**
 * The provider calls the token client makes with a user's access token as bearer, beside the
 * token endpoint: tenant discovery after a code exchange and bearer-style revocation. Same pool,
 * timeouts and http:// policy as the token endpoint calls.
 */
export function createBearerCalls(agent: Dispatcher, opts: TokenClientOptions) {
  function send(url: string, accessToken: string, method: 'GET' | 'POST') {
    if (!isInsecureAllowed(url, opts.insecurePolicy)) {
      throw new OAuthTransportError('provider URL is not https', 'invalid_response');
    }
    return undiciFetch(url, {
      method,
      headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
      dispatcher: agent,
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
  }

  return {
    /**
     * Hook `tenant.discovery`: one GET on the API origin with the new access token (Atlassian's
     * accessible resources), its answer picked for tenant values. No answer with them fails the grant.
     */
    async discoverTenant(
      endpoints: OAuthEndpoints,
      accessToken: string,
    ): Promise<Record<string, string> | undefined> {
      const spec = endpoints.quirks.tenant?.discovery;
      if (!spec) return undefined;
      const res = await send(
        new URL(spec.path, new URL(endpoints.apiBaseUrl).origin).toString(),
        accessToken,
        'GET',
      );
      const body: unknown = res.ok ? await res.json().catch(() => undefined) : undefined;
      const values = pickTenantValues(spec.pick, body);
      if (!values)
        throw new OAuthTransportError(`tenant discovery answered ${res.status}`, 'invalid_response');
      return values;
    },

    /**
     * Revocation with the access token as `Authorization: Bearer` (Slack `auth.revoke`, Dropbox,
     * Linear). A 2xx without `ok: false` is success; anything else an OAuthGrantError.
     */
    async revokeBearer(input: { revokeUrl: string; accessToken: string }): Promise<void> {
      try {
        const res = await send(input.revokeUrl, input.accessToken, 'POST');
        const body = (await res.json().catch(() => undefined)) as
          | { ok?: unknown; error?: unknown }
          | undefined;
        if (!res.ok || body?.ok === false) {
          const error = String(body?.error ?? 'revocation_failed').slice(0, 64);
          throw new OAuthGrantError(error, res.status, undefined);
        }
      } catch (err) {
        throw err instanceof OAuthGrantError || err instanceof OAuthTransportError
          ? err
          : translateOAuthError(err);
      }
    },
  };
}
