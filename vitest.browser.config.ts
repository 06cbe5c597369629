import { defineConfig } from 'vitest/config';

// The HTML report's test in a real, headless Chromium (report/install-browser.sh installs it): `npm run test:browser`.
export default defineConfig({
  test: {
    include: ['report/**/*.browser.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    reporters: ['default', './scripts/summary-reporter.ts'],
  },
});
