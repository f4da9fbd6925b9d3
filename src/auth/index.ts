/**
 * Who is calling and how they reach Confluence: caller identity (verified bearer tokens), per-user Atlassian OAuth
 * connections and the connect flow, static credentials, and the encrypted token store with its record names.
 */
export { LOGIN_CALLBACK_PATH } from './atlassian/browser-login.js';
export { ConnectFlow } from './atlassian/connect-flow.js';
export { ConnectionManager } from './atlassian/connections.js';
export { AtlassianOAuth } from './atlassian/oauth-client.js';
export { OidcLoginClient } from './atlassian/oidc-login.js';
export { OAuthSessions } from './atlassian/sessions.js';
export {
  CallerKeysUnavailableError,
  type CallerVerifier,
  cachingVerifier,
  callerFromToken,
  createCallerVerifier,
  InvalidCallerTokenError,
  protectedResourceMetadata,
  resourceMetadataPaths,
  SUPPORTED_ALGORITHMS,
  type VerifiedCaller,
  wwwAuthenticate,
} from './caller/index.js';
export { localConfigDir, localEncryptionKeys } from './local-keys.js';
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
