/** The ways MCP reaches this server: stdio for one local user, stateless Streamable HTTP for many. */

export type { ConnectPages } from './connect-pages.js';
export { type HttpServing, type RunningHttpServer, startHttpServer } from './http.js';
export type { CallerAuth } from './http-auth.js';
export { isLoopback } from './http-guard.js';
export { startLoopbackConnectServer } from './loopback.js';
export { runStdio } from './stdio.js';
