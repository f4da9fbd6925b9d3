// The files Stryker mutates (stryker.config.mjs reads its `mutate` list from here), in groups that each finish in a
// sitting on two cores: Stryker 9 writes its results only when a run ends, so a run of every mutant at once (some
// 5,700, hours) loses everything if it is stopped. Each group keeps its results in test/mutation/parts/<name>.json.

export const groups = {
  // The space bounds and the CQL they are enforced through, search, errors turned into what the user is told to do,
  // log redaction, and the check that an edit loses nothing.
  guards: [
    'src/confluence/cql.ts',
    'src/confluence/cql-syntax.ts',
    'tools/space-guard.ts',
    'tools/search.ts',
    'src/confluence/map-error.ts',
    'src/confluence/errors/**/*.ts',
    'src/log.ts',
    'src/content/preservation.ts',
  ],
  // The HTTP and stdio entries: Origin and Host checks, body limits, caller authentication.
  transports: ['src/transports/**/*.ts'],
  // Edits of a page, in three groups: their tests are the conversion suites (corpus, fidelity, property-based), about
  // 15 s a mutant, so all 1,530 mutants at once would take some two hours on two cores.
  // Markdown edits applied to the stored page, placeholders checked, and what cannot be edited found.
  'content-edit-apply': [
    'src/content/edit/apply.ts',
    'src/content/edit/detect.ts',
    'src/content/edit/editable.ts',
  ],
  // Which constructs Markdown would lose.
  'content-edit-lossy': ['src/content/edit/lossy.ts'],
  // Edited Markdown spliced back around what it could not hold.
  'content-edit-splice': ['src/content/edit/splice.ts'],
  // The Atlassian connection: OAuth flow, connect links and pages, refresh.
  'auth-atlassian': ['src/auth/atlassian/**/*.ts'],
  // Who the caller is: bearer verification, keys, sessions.
  'auth-caller': ['src/auth/caller/**/*.ts', 'src/auth/*.ts'],
  // The encrypted token store and its locks.
  'auth-store': ['src/auth/store/**/*.ts'],
};

/** Where a group keeps its results. */
export const partFile = (name) => `test/mutation/parts/${name}.json`;
