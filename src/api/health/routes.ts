import { isAppError } from '../../errors/index.js';
import { sendJson } from '../../http/respond.js';
import type { Router } from '../../http/router.js';
import type { Store } from '../../store/index.js';

/** Longest a readiness probe waits for the database before answering "not ready". */
const READY_DB_TIMEOUT_MS = 1_000;

export interface Lifecycle {
  /** True from the first shutdown signal on: load balancers should stop sending traffic. */
  readonly draining: boolean;
}

async function databaseAnswers(store: Pick<Store, 'ping'>): Promise<string> {
  try {
    await store.ping(READY_DB_TIMEOUT_MS);
    return 'ok';
  } catch (err) {
    return isAppError(err) ? err.code.toLowerCase() : 'error';
  }
}

/**
 * `/healthz`: the process is alive (no dependency checked — restarting it would not help).
 * `/readyz`: send traffic here — database reachable, and not draining. Migrations and the
 * master-key check ran before the listener opened, so a serving process has passed them.
 */
export function registerHealthRoutes(
  router: Router,
  deps: { store: Pick<Store, 'ping'>; lifecycle: Lifecycle },
) {
  router.add('GET', '/healthz', async (_req, res) => sendJson(res, 200, { status: 'ok' }));
  router.add('GET', '/readyz', async (_req, res) => {
    const draining = deps.lifecycle.draining;
    const database = draining ? 'skipped' : await databaseAnswers(deps.store);
    const ready = !draining && database === 'ok';
    sendJson(
      res,
      ready ? 200 : 503,
      {
        status: ready ? 'ready' : draining ? 'draining' : 'unavailable',
        checks: { database, migrations: 'ok', masterKey: 'ok', draining },
      },
      { 'cache-control': 'no-store', ...(ready ? {} : { 'retry-after': '1' }) },
    );
  });
}
