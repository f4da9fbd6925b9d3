/** What loadAuthParts() (on-demand.ts) loads: the OAuth flow and caller verification, with jose and ky. */
export { LOGIN_CALLBACK_PATH } from './atlassian/browser-login.js';
export { ConnectFlow } from './atlassian/connect-flow.js';
export { ConnectionManager } from './atlassian/connections.js';
export { AtlassianOAuth } from './atlassian/oauth-client.js';
export { OidcLoginClient } from './atlassian/oidc-login.js';
export { OAuthSessions } from './atlassian/sessions.js';
export { cachingVerifier } from './caller/cache.js';
export { createCallerVerifier } from './caller/verify.js';
