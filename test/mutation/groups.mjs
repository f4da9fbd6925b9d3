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
  // The Atlassian connection, in three groups of some 300 mutants each (as one group, 960 mutants: over an hour).
  // The OAuth flow: starting it, the callback, the token endpoint client, the pages a person sees.
  'auth-atlassian-flow': [
    'src/auth/atlassian/connect-flow.ts',
    'src/auth/atlassian/connect-callback.ts',
    'src/auth/atlassian/oauth-client.ts',
    'src/auth/atlassian/pages.ts',
    'src/auth/atlassian/flow-secrets.ts',
  ],
  // Connect links and their pages, browser sessions, and connections with their refresh.
  'auth-atlassian-connections': [
    'src/auth/atlassian/connect-links.ts',
    'src/auth/atlassian/connect-pages.ts',
    'src/auth/atlassian/sessions.ts',
    'src/auth/atlassian/connections.ts',
    'src/auth/atlassian/store-port.ts',
  ],
  // Signing a person in: through the identity provider (OIDC) or the browser login.
  'auth-atlassian-login': ['src/auth/atlassian/browser-login.ts', 'src/auth/atlassian/oidc-login.ts'],
  // Who the caller is: bearer verification, keys, metadata.
  'auth-caller': ['src/auth/caller/**/*.ts'],
  // The caller's session and records, local keys, and the parts loaded on demand.
  'auth-session': [
    'src/auth/index.ts',
    'src/auth/local-keys.ts',
    'src/auth/on-demand-parts.ts',
    'src/auth/on-demand.ts',
    'src/auth/records.ts',
    'src/auth/session.ts',
  ],
  // The encrypted token store, in three groups (as one, 1,060 mutants): records, their encryption and keys.
  'auth-store-records': [
    'src/auth/store/cipher.ts',
    'src/auth/store/encryption-key-error.ts',
    'src/auth/store/index.ts',
    'src/auth/store/keys.ts',
    'src/auth/store/lock-timeout-error.ts',
    'src/auth/store/open.ts',
    'src/auth/store/secret-store.ts',
    'src/auth/store/store-unavailable-error.ts',
    'src/auth/store/types.ts',
    'src/auth/store/user-key.ts',
  ],
  // The store's backends in one process or on one disk, and their locks.
  'auth-store-local': [
    'src/auth/store/memory-backend.ts',
    'src/auth/store/lock.ts',
    'src/auth/store/file-lock.ts',
    'src/auth/store/file-backend.ts',
  ],
  // The Redis backend and its connection.
  'auth-store-redis': ['src/auth/store/redis-backend.ts', 'src/auth/store/redis-connection.ts'],
};

/** The folders whose every source file must be in exactly one group (test/unit/mutation/groups.test.ts). */
export const guardedFolders = ['src/auth', 'src/transports', 'src/content/edit'];

/** Where a group keeps its results. */
export const partFile = (name) => `test/mutation/parts/${name}.json`;
