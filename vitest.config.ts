import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Each file may start its own embedded TimescaleDB (WASM); two cores run two at once.
    maxWorkers: 2,
    pool: 'forks',
  },
});
