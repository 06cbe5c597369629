import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'core/**/*.test.ts',
      'common/**/*.test.ts',
      'input-log/**/*.test.ts',
      'export/**/*.test.ts',
      'cli/**/*.test.ts',
      'scenarios/**/*.test.ts',
      'simulator/**/*.test.ts',
      'driver/**/*.test.ts',
      'chaos/**/*.test.ts',
      'report/**/*.test.ts',
      'scripts/**/*.test.ts',
      'deploy/**/*.test.ts',
      // Unit tests of the e2e infrastructure (no cluster needed).
      'e2e/infra/**/*.test.ts',
    ],
    // The end-to-end suite needs a cluster and Jaeger: it runs through `npm run test:e2e`, not here.
    // The browser test needs Chromium: it runs through `npm run test:browser`.
    exclude: ['e2e/**/*.e2e.test.ts', 'node_modules/**', '**/*.browser.test.ts'],
    testTimeout: 30_000,
    reporters: ['default', './scripts/summary-reporter.ts'],
  },
});
