import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The fault-injection suite restarts PostgreSQL and runs real processes: `npm run test:faults`.
    exclude: [...configDefaults.exclude, 'test/faults/**'],
    pool: 'forks',
    // Most suites wait on processes, sockets and timers rather than the CPU: on 2 cores vitest's
    // default (one worker per core less one) runs them one by one. Three forks overlap the waits.
    maxWorkers: 3,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    globalSetup: ['test/helpers/global-setup.ts'],
    reporters: ['default'],
  },
});
