import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/bench/**', 'node_modules/**'],
    // The CLI tests run the compiled bin/sluice.js; this rebuilds dist/ when a source is newer. The services the
    // suite talks to (kcat, kafka-python, PostgreSQL with logical replication) are brought up, or the run stops
    // naming what is missing and the command that provides it.
    globalSetup: ['test/build-dist.ts', 'test/services.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    teardownTimeout: 60_000,
    // Should the run not end once its tests have, the second reporter names what keeps it alive.
    reporters: ['default', 'hanging-process'],
    // Two cores: crash and interop tests spawn processes, so keep the pool small.
    maxWorkers: 2,
  },
});
