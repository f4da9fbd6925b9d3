import { defineConfig } from 'vitest/config';

// The server's conversion workers run from TypeScript sources too when tests start the server in-process: this
// loader (inherited by worker threads) resolves and strips their .ts files. Servers the tests spawn run dist/.
const execArgv = ['--import', './test/support/ts-register.mjs'];

export default defineConfig({
  test: {
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
