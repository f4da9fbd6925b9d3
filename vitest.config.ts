import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Unit and integration tests run with msw listening and `onUnhandledRequest: 'error'`, so any request a test
    // did not mock fails it. End-to-end and contract tests talk to real local servers over real HTTP.
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          setupFiles: ['test/support/msw-setup.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          setupFiles: ['test/support/msw-setup.ts'],
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'contract',
          include: ['test/contract/**/*.test.ts'],
          testTimeout: 30_000,
        },
      },
    ],
  },
});
