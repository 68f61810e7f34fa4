import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globals: false,
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two cores: integration tests start servers and child processes; keep the pool small.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
