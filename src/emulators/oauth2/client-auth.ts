import type { EmulatorProfile } from './profile.js';

/**
 * Checks the client's authentication the provider's way: `basic` wants HTTP Basic and no secret
 * in the body; `post` wants `client_id` + `client_secret` in the body and no Basic header.
 */
export function clientAuthOk(
  profile: EmulatorProfile,
  client: { id: string; secret: string },
  params: Record<string, string>,
  authorization: string | null,
): boolean {
  if (profile.clientAuth === 'basic') {
    if (!authorization?.startsWith('Basic ') || params.client_secret !== undefined) return false;
    const decoded = Buffer.from(authorization.slice(6), 'base64').toString('utf8');
    const [id, secret] = decoded.split(':').map((p) => decodeURIComponent(p));
    return id === client.id && secret === client.secret;
  }
  if (profile.clientAuth === 'post') {
    return authorization === null && params.client_id === client.id && params.client_secret === client.secret;
  }
  return params.client_id === client.id;
}
