import {
  type OAuth2Emulator,
  type OAuth2EmulatorOptions,
  startOAuth2Emulator,
} from '../../src/emulators/oauth2/index.js';
import { getProvider } from '../../src/providers/index.js';
import type { RunningLatchkey } from '../../src/runtime.js';

/**
 * A connection named after a built-in provider (`key`) wired to a generic emulator imitating that
 * provider: the connection is created first (its id fixes the redirect URI), then the emulator,
 * then the URL overrides. A base URL that is one placeholder (`{instance_url}`) is not overridden:
 * it is filled from the token answer.
 */
export async function connectProviderEmulator(
  latchkey: RunningLatchkey,
  key: string,
  opts: Partial<Omit<OAuth2EmulatorOptions, 'provider' | 'redirectUris'>> = {},
): Promise<{ emulator: OAuth2Emulator; connectionId: string; clientId: string; clientSecret: string }> {
  const def = getProvider(key);
  const svc = latchkey.server.services.connections;
  const clientId = opts.clientId ?? `client-${key}`;
  const clientSecret = opts.clientSecret ?? `secret-${key}`;
  const conn = await svc.create({
    name: key,
    provider: key,
    clientId,
    clientSecret,
    scopes: def.defaultScopes,
  });
  const emulator = await startOAuth2Emulator({
    ...opts,
    provider: def,
    clientId,
    clientSecret,
    redirectUris: [svc.redirectUri(conn)],
  });
  await svc.update(conn.id, {
    authorizeUrl: emulator.authorizeUrl,
    tokenUrl: emulator.tokenUrl,
    ...(emulator.apiBaseUrl.startsWith('{') ? {} : { apiBaseUrl: emulator.apiBaseUrl }),
    ...(emulator.revokeUrl ? { revokeUrl: emulator.revokeUrl } : {}),
  });
  return { emulator, connectionId: conn.id, clientId, clientSecret };
}
