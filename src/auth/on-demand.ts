/**
 * The parts of auth that need jose, ky or the OAuth flow: per-user connections, the connect flow, the browser
 * login and caller verification. They load the first time a runtime needs them (a stdio user with an API token
 * never does); dependency-cruiser keeps every other import of on-demand-parts.ts dynamic.
 */
export function loadAuthParts(): Promise<typeof import('./on-demand-parts.js')> {
  return import('./on-demand-parts.js');
}
