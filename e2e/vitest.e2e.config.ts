import { defineConfig } from 'vitest/config';

// The end-to-end suite: one real control plane and one Jaeger for the whole run (npm run test:e2e).
export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    include: ['e2e/**/*.e2e.test.ts'],
    fileParallelism: false,
    testTimeout: 5 * 60_000,
    hookTimeout: 50 * 60_000,
    reporters: ['default', './scripts/summary-reporter.ts'],
  },
});
