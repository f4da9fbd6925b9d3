// Mutation testing of the code that guards users: `npm run test:mutation`. Stryker finds this file by its name at
// the top of the package (no --config needed), beside vitest.config.ts and the package.json it runs from, so CI
// and a person run exactly the same thing.
//
// Every mutant is a small deliberate bug (a condition flipped, a check removed, a constant changed); a mutant
// that no test notices is a bug the suite would let ship. The score per file is printed by the clear-text
// reporter; the run fails below `thresholds.break`.

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: [
    // Who the caller is, the Atlassian connection and its tokens, the encrypted token store and its locks.
    'src/auth/**/*.ts',
    // The HTTP and stdio entries: Origin and Host checks, body limits, caller authentication.
    'src/transports/**/*.ts',
    // The space bounds and the CQL they are enforced through (cql.ts, or a cql/ folder, once it exists).
    'tools/space-guard.ts',
    'tools/search.ts',
    'src/confluence/cql.ts',
    'src/confluence/cql-syntax.ts',
    'src/confluence/cql/**/*.ts',
    // Edits of a page and the check that an edit loses nothing it did not mean to.
    'src/content/edit/**/*.ts',
    'src/content/preservation.ts',
    // Redaction of secrets in logs.
    'src/log.ts',
    // Upstream errors turned into what the user is told to do next.
    'src/confluence/map-error.ts',
    'src/confluence/errors/**/*.ts',
  ],
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
