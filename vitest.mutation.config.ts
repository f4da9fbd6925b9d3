import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// The end-to-end tests that start the built CLI (dist/) or another process: mutation testing changes src/ in this
// process, so those tests can never see a mutant; running them would only slow every mutant's test run. A file that
// merely imports a helper from support/oauth-server.js (its MCP client) but serves in this process stays in.
const spawnsAProcess = /\b(startCli|startOAuthServer|packageBin|execFile|spawn)\(|'dist'|dist\//;
// Load tests: minutes of calls each, or rounds of megabyte conversions (isolation-memory: memory stays flat), and
// what they guard is pinned by faster tests. Run against a mutant, such a test mostly times out.
const loadTests = new Set(['soak.test.ts', 'quota-fleet.test.ts', 'isolation-memory.test.ts']);
const e2eDir = 'test/e2e';
const inProcessE2e = readdirSync(e2eDir)
  .filter((name) => name.endsWith('.test.ts') && !loadTests.has(name))
  .filter((name) => !spawnsAProcess.test(readFileSync(join(e2eDir, name), 'utf8')))
  .map((name) => `${e2eDir}/${name}`);

// As in vitest.config.ts: the conversion workers run from TypeScript sources through this loader.
const execArgv = ['--import', './test/support/ts-register.mjs'];

/**
 * The tests Stryker runs against each mutant (see stryker.config.mjs): unit, integration, and the end-to-end tests
 * that run the server in this process. Contract tests are left out: they check the sandbox and client against the
 * published OpenAPI, not the guarding code that is mutated.
 */
export default defineConfig({
  test: {
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
          name: 'e2e-in-process',
          execArgv,
          include: inProcessE2e,
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
    ],
  },
});
