import { defineConfig } from 'vitest/config';

/**
 * The fault-injection suite (`npm run test:faults`): real PostgreSQL restarts, real replica
 * processes (built `dist/`), a fault proxy in front of the emulator. One file at a time; long
 * timeouts because a loaded CI machine must never turn slowness into a failure.
 */
export default defineConfig({
  test: {
    include: ['test/faults/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 600_000,
    teardownTimeout: 600_000,
    globalSetup: ['test/faults/helpers/global-setup.ts'],
    reporters: ['default'],
  },
});
