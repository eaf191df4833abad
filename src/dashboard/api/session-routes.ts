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

  // Never 401: the SPA asks this first, so a signed-out visit causes no failed request.
  api.open('GET', '/status', async ({ req }) => {
    const session = await sessions.current(req);
    return {
      setupRequired: await admins.needsSetup(),
      admin: session ? { email: session.admin.email } : null,
      csrf: session?.csrf ?? null,
    };
  });

  api.open('POST', '/setup', async ({ body }) =>
    signedIn(await admins.completeSetup(str(body, 'token'), str(body, 'email'), str(body, 'password'))),
  );

  api.open('POST', '/sign-in', async ({ req, body }) =>
    signedIn(await admins.signIn(str(body, 'email'), str(body, 'password'), addressOf(req))),
  );

  api.get('/session', async ({ session }) => ({ admin: { email: session.admin.email }, csrf: session.csrf }));

  api.post('/sign-out', async ({ session }) => reply(200, {}, { 'set-cookie': await sessions.end(session) }));
}
