import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, type World } from './helpers/accounts.js';
import { proxiedCall } from './helpers/load.js';
import { ensureStarted } from './helpers/postgres.js';
import { pollUntil, reportFigures } from './helpers/wait.js';

/**
 * Acceptance (issue 5): SIGTERM to a replica while its refreshes wait 3 s at the token endpoint
 * (the provider has already rotated; its answer is held 3 s): the refreshes commit, in-flight
 * proxied calls complete, the process exits 0, 0 reuses, 0 EXPIRED.
 * The background refresher is off so that the refreshes in flight are exactly the ones the
 * calls started on the replica being stopped.
 */
const ACCOUNTS = 3;
const CALLS_PER_ACCOUNT = 2;
const DELAY_MS = 3_000;

describe.skipIf(process.env.LATCHKEY_TEST_PG !== '1')('SIGTERM while refreshes are in flight', () => {
  let world: World;

  beforeAll(async () => {
    world = await createWorld({
      replicas: 1,
      accounts: ACCOUNTS,
      // Longer than the 3 s the answers are held: a token the provider issued must still be valid
      // when its answer arrives (with 2 s tokens every answer would be stale on arrival).
      accessTokenTtlSec: 10,
      env: { LATCHKEY_REFRESHER: 'off', LATCHKEY_SHUTDOWN_GRACE: '30' },
    });
  });
  afterAll(async () => {
    await ensureStarted();
    await world?.close();
  });

  it('drains: refreshes commit, calls complete with 200, exit 0, no reuse, no EXPIRED', async () => {
    const a = world.replicas[0]!;
    // Every stored access token expired: each call below must refresh first.
    const before = await pollUntil('expired access tokens', async () => {
      const rows = await world.accounts();
      return rows.every((r) => (r.tokenExpiresAt ?? 0) < Date.now()) && rows;
    });
    await world.provider.set('token', { kind: 'delay-response', ms: DELAY_MS });
    const base = world.provider.counters('token');
    const refreshesBefore = world.emulator.stats().refreshes;
    const delayedAt = Date.now();

    const calls = world.identifiers.flatMap((id) =>
      Array.from({ length: CALLS_PER_ACCOUNT }, () =>
        proxiedCall(a, id, { bearer: world.bearer, timeoutMs: 90_000 }),
      ),
    );
    // Each account's refresh reached the provider (which rotated at once); answers are held 3 s.
    // (If the calls all end first, nothing was in flight: the assertions below say how.)
    await Promise.race([
      world.provider.waitFor('token', 'forwarded', base.forwarded + ACCOUNTS),
      Promise.all(calls),
    ]);
    const sigtermAt = Date.now();
    a.kill('SIGTERM');
    const results = await Promise.all(calls);
    const exit = await a.exited;

    const after = await world.accounts();
    const committed = after.filter((r, i) => {
      const b = before[i]!;
      return r.accessTokenEnc !== b.accessTokenEnc && (r.lastRefreshedAt ?? 0) >= delayedAt;
    });
    const refreshesDuring = world.emulator.stats().refreshes - refreshesBefore;

    // Later calls, on a fresh replica, use the committed tokens.
    await world.provider.set('token', { kind: 'pass' });
    const b = await world.startReplica('r1');
    world.front.setTarget(b.url);
    const later = await Promise.all(
      world.identifiers.map((id) => proxiedCall(b, id, { bearer: world.bearer, timeoutMs: 60_000 })),
    );
    const stats = world.emulator.stats();
    const statuses = (await world.accounts()).map((r) => r.status);

    reportFigures('sigterm-drain', {
      tokenDelayMs: DELAY_MS,
      inflight: results.map((r) => ({ status: r.status, error: r.error, msAfterSigterm: r.end - sigtermAt })),
      exit: { code: exit.code, signal: exit.signal, msAfterSigterm: exit.at - sigtermAt },
      committedAccounts: committed.length,
      refreshesDuringDrain: refreshesDuring,
      laterCalls: later.map((r) => ({ status: r.status, error: r.error, latencyMs: r.latencyMs })),
      refreshTokenReuses: stats.refreshTokenReuses,
      statuses,
    });
    if (exit.code !== 0) console.log(`--- r0 stderr (tail) ---\n${a.stderr().slice(-3000)}`);

    expect
      .soft(
        results.map((r) => r.status),
        'in-flight proxied calls',
      )
      .toEqual(calls.map(() => 200));
    expect
      .soft({ code: exit.code, signal: exit.signal }, 'exit after SIGTERM')
      .toEqual({ code: 0, signal: null });
    expect.soft(committed.length, 'accounts whose rotated tokens were committed').toBe(ACCOUNTS);
    expect.soft(refreshesDuring, 'one refresh per account').toBe(ACCOUNTS);
    expect
      .soft(
        later.map((r) => r.status),
        'later calls on another replica',
      )
      .toEqual(later.map(() => 200));
    expect.soft(stats.refreshTokenReuses, 'refresh-token reuses').toBe(0);
    expect.soft(statuses, 'account statuses').toEqual(statuses.map(() => 'ACTIVE'));
  });
});
