import { defineConfig } from 'vitest/config';

// The root vitest config excludes e2e/**; these unit tests of the infrastructure code need no
// cluster: `npx vitest run --config e2e/infra/vitest.config.ts`.
export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['e2e/infra/**/*.test.ts'],
  },
});
