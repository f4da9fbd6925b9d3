/**
 * Import rules over src/ and tools/, checked by `npm run lint` beside biome's (which forbids deep imports across
 * layers and keeps the MCP SDK in src/mcp): no cycles, and the sandbox and the OAuth parts loaded only on demand.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Modules that import each other cannot be read, tested or moved one at a time.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'sandbox-on-demand',
      severity: 'error',
      comment:
        'The sandbox is a local fake for trying the server out: only the dev command (src/demo.ts) and the sandbox command load it, through a dynamic import.',
      from: { pathNot: '^src/(sandbox/|demo[.]ts$)' },
      to: { path: '^src/sandbox/', dependencyTypesNot: ['dynamic-import'] },
    },
    {
      name: 'auth-parts-on-demand',
      severity: 'error',
      comment:
        'The OAuth flow and caller verification (jose, ky) load through loadAuthParts() (src/auth/on-demand.ts) only: a stdio user with an API token never pays for them.',
      from: {},
      to: { path: '^src/auth/on-demand-parts[.]ts$', dependencyTypesNot: ['dynamic-import', 'type-import'] },
    },
    {
      name: 'dev-on-demand',
      severity: 'error',
      comment:
        'src/demo.ts (the dev command) imports the sandbox, so it too is loaded only through a dynamic import.',
      from: {},
      to: { path: '^src/demo[.]ts$', dependencyTypesNot: ['dynamic-import'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count: a cycle through types still ties the modules together.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
