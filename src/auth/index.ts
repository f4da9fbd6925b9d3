/**
 * Who is calling and how they reach Confluence: caller identity (verified bearer tokens), per-user Atlassian OAuth
 * connections and the connect flow, static credentials, and the encrypted token store with its record names. The
 * OAuth flow and caller verification (jose, ky) load on demand through loadAuthParts(); only their types are here.
 */
export type { ConnectFlow } from './atlassian/connect-flow.js';
export type { ConnectionManager } from './atlassian/connections.js';
export type { AtlassianOAuth } from './atlassian/oauth-client.js';
export type { OidcLoginClient } from './atlassian/oidc-login.js';
export type { OAuthSessions } from './atlassian/sessions.js';
export { callerFromToken } from './caller/caller.js';
export { wwwAuthenticate } from './caller/challenge.js';
export { CallerKeysUnavailableError, InvalidCallerTokenError } from './caller/errors.js';
export { protectedResourceMetadata, resourceMetadataPaths } from './caller/metadata.js';
export { SUPPORTED_ALGORITHMS } from './caller/options.js';
export type { CallerVerifier, VerifiedCaller } from './caller/verify.js';
export { localConfigDir, localEncryptionKeys } from './local-keys.js';
export { loadAuthParts } from './on-demand.js';
export { StoreRecords } from './records.js';
export {
  type Caller,
  type CallerSession,
  type ClientSettings,
  type ConnectionDescription,
  LOCAL_CALLER,
  MissingScopeError,
  NotConnectedError,
  type SessionProvider,
  staticSessions,
} from './session.js';
export {
  type EncryptionKeyring,
  generateEncryptionKey,
  openSecretStore,
  parseEncryptionKeys,
  type SecretStore,
} from './store/index.js';
