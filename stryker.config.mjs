// Mutation testing of the code that guards users: `npm run test:mutation`. Stryker finds this file by its name at
// the top of the package (no --config needed), beside vitest.config.ts and the package.json it runs from, so CI
// and a person run exactly the same thing.
//
// Every mutant is a small deliberate bug (a condition flipped, a check removed, a constant changed); a mutant
// that no test notices is a bug the suite would let ship. The score per file is printed by the clear-text
// reporter; the run fails below `thresholds.break`.

import { groups } from './test/mutation/groups.mjs';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  // The code that guards users, listed by group in test/mutation/groups.mjs (`npm run test:mutation` runs a group at a
  // time; `npx stryker run` runs them all at once).
  mutate: Object.values(groups).flat(),
  testRunner: 'vitest',
  // Unit, integration, and the end-to-end tests that run the server in this process (see that file for why the
  // others are left out).
  vitest: { configFile: 'vitest.mutation.config.ts' },
  // Each mutant runs only the tests that executed its code in the dry run.
  coverageAnalysis: 'perTest',
  // A static mutant (module-level code: a constant, a top-level regex) is run only while modules load, so Stryker
  // must reload and run every test that imports its file for each one: about 600 of them on this code would take
  // hours on two cores. They are reported as ignored; the tests of each file still pin its constants' behaviour.
  ignoreStatic: true,
  // The machine, a developer's and CI's, has two cores shared with everything else.
  concurrency: 2,
  // A busy machine slows tests down; a mutant must loop, not merely run late, to count as a timeout.
  timeoutMS: 15_000,
  dryRunTimeoutMinutes: 15,
  // Results are kept in a committed file, so a run re-tests only the mutants whose code or tests changed.
  incremental: true,
  incrementalFile: 'test/mutation/incremental.json',
  ignorePatterns: ['dist', 'coverage'],
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowEmojis: false, logTests: false, maxTestsToLog: 0, reportScoreTable: true },
  thresholds: { high: 95, low: 85, break: 85 },
};
