import type { HttpRequest } from '../../http/types.js';
import type { AdminAccounts } from '../auth/admins.js';
import type { Sessions } from '../auth/sessions.js';
import { type DashboardApi, reply, str } from './http.js';

const addressOf = (req: HttpRequest) => req.socket?.remoteAddress ?? 'unknown';

/** Status, first-start set-up, sign-in, session, sign-out. */
export function registerSessionRoutes(
  api: DashboardApi,
  deps: { admins: AdminAccounts; sessions: Sessions },
) {
  const { admins, sessions } = deps;

  const signedIn = async (admin: Parameters<Sessions['start']>[0]) => {
    const { setCookie, csrf } = await sessions.start(admin);
    return reply(200, { admin: { email: admin.email }, csrf }, { 'set-cookie': setCookie });
  };

  api.open('GET', '/status', async () => ({ setupRequired: await admins.needsSetup() }));

  api.open('POST', '/setup', async ({ body }) =>
    signedIn(await admins.completeSetup(str(body, 'token'), str(body, 'email'), str(body, 'password'))),
  );

  api.open('POST', '/sign-in', async ({ req, body }) =>
    signedIn(await admins.signIn(str(body, 'email'), str(body, 'password'), addressOf(req))),
  );

  api.get('/session', async ({ session }) => ({ admin: { email: session.admin.email }, csrf: session.csrf }));

  api.post('/sign-out', async ({ session }) => reply(200, {}, { 'set-cookie': await sessions.end(session) }));
}
