import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// The server's conversion workers run from TypeScript sources too when tests start the server in-process: this
// loader (inherited by worker threads) resolves and strips their .ts files. Servers the tests spawn run dist/.
const execArgv = ['--import', './test/support/ts-register.mjs'];

export default defineConfig({
  test: {
    // At least two test files at a time. Vitest's default is one fewer than the cores, which on a 2-core machine (CI's
    // and this project's) runs the files one by one, although most of their time is spent waiting on servers and
    // child processes: two at a time took the suite from 490 s to 319 s here. The tests synchronise on events, not
    // sleeps, so the load of a neighbouring file does not change what they see.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // Unit and integration tests run with msw listening and `onUnhandledRequest: 'error'`, so any request a test
    // did not mock fails it. End-to-end and contract tests talk to real local servers over real HTTP.
    projects: [
      {
        test: {
          name: 'unit',
          execArgv,
          include: ['test/unit/**/*.test.ts'],
          setupFiles: ['test/support/msw-setup.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          execArgv,
          include: ['test/integration/**/*.test.ts'],
          setupFiles: ['test/support/msw-setup.ts'],
        },
      },
      {
        test: {
          name: 'e2e',
          execArgv,
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'contract',
          execArgv,
          include: ['test/contract/**/*.test.ts'],
          testTimeout: 30_000,
        },
      },
    ],
  },
});
