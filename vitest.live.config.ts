import { defineConfig } from 'vitest/config';

/** `npm run test:live`: one tiny real generation per provider whose key is set. Never in CI. */
export default defineConfig({
  test: {
    include: ['test/live/**/*.live.test.ts'],
    testTimeout: 15 * 60_000,
    hookTimeout: 60_000,
  },
});
