import { z } from 'zod';
import { parseOrThrow } from '../../accounts/connection-input.js';
import { AppError } from '../../errors/index.js';
import type { Logger } from '../../log/logger.js';
import { type Admin, hashSecret, randomToken, type Store } from '../../store/index.js';
import { decoyHash, hashPassword, passwordProblem, verifyPassword } from './passwords.js';
import { createSignInLimiter } from './rate-limit.js';

export const credentialsSchema = z.strictObject({
  email: z.email({ error: 'must be an email address' }).max(320),
  password: z.string().max(1024),
});

/**
 * Dashboard admins: creation (CLI `latchkey admin create`, or the first-start set-up link), and
 * sign-in throttled per address and per email (`attempts` failures per window per email, four
 * times that per address).
 */
export function createAdminAccounts(deps: {
  store: Pick<Store, 'admins' | 'setupTokens'>;
  log: Logger;
  publicUrl: string;
  attempts: number;
  windowMs: number;
}) {
  const { store, log } = deps;
  const limiter = createSignInLimiter(deps.windowMs);

  async function create(email: string, password: string): Promise<Admin> {
    const input = parseOrThrow(credentialsSchema, { email, password });
    const problem = passwordProblem(input.password);
    if (problem) throw new AppError('INVALID_ARGUMENT', problem);
    const admin = await store.admins.create(input.email, await hashPassword(input.password));
    if (!admin) throw new AppError('ADMIN_ALREADY_EXISTS');
    log.info({ adminId: admin.id }, 'dashboard admin created');
    return admin;
  }

  return {
    create,

    /** Whether the dashboard still needs its first admin. */
    needsSetup: async () => (await store.admins.count()) === 0,

    /**
     * With no admin yet: a fresh one-time set-up URL (any earlier one stops working); else undefined.
     * The token travels in the fragment, so it never reaches a server log or a Referer.
     */
    async prepareSetup(): Promise<string | undefined> {
      if ((await store.admins.count()) > 0) return undefined;
      const token = randomToken(24);
      await store.setupTokens.put(hashSecret(token));
      return `${deps.publicUrl}/setup#token=${token}`;
    },

    /** Creates the first admin with the set-up token; the token is spent even if creation then fails. */
    async completeSetup(token: string, email: string, password: string): Promise<Admin> {
      parseOrThrow(credentialsSchema, { email, password });
      const problem = passwordProblem(password);
      if (problem) throw new AppError('INVALID_ARGUMENT', problem);
      if ((await store.admins.count()) > 0 || !token || !(await store.setupTokens.take(hashSecret(token)))) {
        throw new AppError('ADMIN_SETUP_INVALID');
      }
      return create(email, password);
    },

    /** The admin for a correct email + password; ADMIN_SIGN_IN_FAILED / ADMIN_SIGN_IN_RATE_LIMITED otherwise. */
    async signIn(email: string, password: string, address: string): Promise<Admin> {
      const input = parseOrThrow(credentialsSchema, { email, password });
      const keys = { ip: `ip:${address}`, email: `email:${input.email.toLowerCase()}` };
      const wait = limiter.retryAfterSec([
        { key: keys.ip, limit: deps.attempts * 4 },
        { key: keys.email, limit: deps.attempts },
      ]);
      if (wait > 0) throw new AppError('ADMIN_SIGN_IN_RATE_LIMITED', undefined, { retryAfterSec: wait });
      const found = await store.admins.byEmail(input.email);
      const ok = await verifyPassword(input.password, found?.passwordHash ?? (await decoyHash()));
      if (!found || !ok) {
        limiter.fail([keys.ip, keys.email]);
        log.info({ address }, 'dashboard sign-in failed');
        throw new AppError('ADMIN_SIGN_IN_FAILED');
      }
      limiter.clear(keys.email);
      const { passwordHash: _hash, ...admin } = found;
      return admin;
    },
  };
}

export type AdminAccounts = ReturnType<typeof createAdminAccounts>;
