import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/bench/**', 'node_modules/**'],
    // The CLI tests run the compiled bin/sluice.js; this rebuilds dist/ when a source is newer.
    globalSetup: ['test/build-dist.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two cores: crash and interop tests spawn processes, so keep the pool small.
    maxWorkers: 2,
  },
});
