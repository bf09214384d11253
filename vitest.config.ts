import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['test/live/**', 'node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Most test time is waiting on sockets, queues and databases, not CPU: on a 2-core machine
    // the default (cores − 1 = one file at a time) leaves both cores mostly idle. Past three
    // files at once the in-process PGlite databases make the run CPU-bound (4 was slower).
    maxWorkers: 3,
    globalSetup: ['test/helpers/global-setup.ts'],
  },
});
