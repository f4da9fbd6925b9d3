import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ClientCapabilities } from '@modelcontextprotocol/sdk/types.js';
import type { AnyToolDefinition } from '../tools/define.js';
import type { ToolRuntime } from '../tools/registry.js';
import { LOGIN_CALLBACK_PATH } from './auth/atlassian/browser-login.js';
import { ConnectFlow } from './auth/atlassian/connect-flow.js';
import { ConnectionManager } from './auth/atlassian/connections.js';
import { AtlassianOAuth } from './auth/atlassian/oauth-client.js';
import { OidcLoginClient } from './auth/atlassian/oidc-login.js';
import { OAuthSessions } from './auth/atlassian/sessions.js';
import { type CallerVerifier, createCallerVerifier } from './auth/caller/index.js';
import { localConfigDir, localEncryptionKeys } from './auth/local-keys.js';
import { type Caller, LOCAL_CALLER, staticSessions } from './auth/session.js';
import {
  type EncryptionKeyring,
  generateEncryptionKey,
  openSecretStore,
  parseEncryptionKeys,
  type SecretStore,
  userKeyHash,
} from './auth/store/index.js';
import { credentialFromEnv } from './config/credentials.js';
import { ConfigError } from './config/load.js';
import type { Config } from './config/schema.js';
import type { ConfluenceAuth } from './confluence/auth.js';
import { ConfluenceClient } from './confluence/client.js';
import { getCurrentUser } from './confluence/endpoints/users.js';
import type { Logger } from './log.js';
import { PACKAGE } from './paths.js';
import { configuredTools, requestedScopes } from './server.js';

/** The user agent sent to Atlassian, so their logs can tell this app's traffic apart. */
export const USER_AGENT = `${PACKAGE.name}/${PACKAGE.version} (node ${process.versions.node})`;

/** Everything a transport needs to serve tools: which tools, and how each call reaches Confluence. */
export interface ServerRuntime {
  tools: AnyToolDefinition[];
  runtime: ToolRuntime;
  /** Serves `/connect/...` and the OAuth callback, when users connect through this server. */
  flow?: ConnectFlow;
  /** Verifies callers' bearer tokens (HTTP), when configured: this server is then an OAuth resource server. */
  callerAuth?: { verifier: CallerVerifier; resource: string; issuer: string };
  /** Keeps the client capabilities each caller declared (stateless HTTP forgets them between requests). */
  rememberCapabilities?: (caller: Caller, capabilities: ClientCapabilities) => Promise<void>;
  store?: SecretStore;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  mode: 'stdio' | 'http';
  /** Where browsers and clients reach this server (HTTP), e.g. http://localhost:3000. */
  publicUrl?: string;
  env?: NodeJS.ProcessEnv;
  fetch?: typeof fetch;
  /**
   * An open store to use instead of opening `tokenStore.url` (its keys must be those in the environment); the
   * caller keeps it and closes it. Tests pass one whose records they can count.
   */
  store?: SecretStore;
}

/** The operator's rules for tools, from the configuration. */
function policyOf(config: Config) {
  return { spaces: config.tools.spaces, allowPurge: config.tools.allowPurge };
}

/** Calls `fn` at most once per `ms`: a store that is down reports every reconnection attempt. */
function throttle<A extends unknown[]>(ms: number, fn: (...args: A) => void): (...args: A) => void {
  let last = 0;
  return (...args) => {
    const now = Date.now();
    if (now - last < ms) return;
    last = now;
    fn(...args);
  };
}

/** Whether this configuration connects each user through OAuth (an app id in config, its secret in the env). */
export function usesOAuth(config: Config, env: NodeJS.ProcessEnv): boolean {
  return Boolean(config.atlassian.clientId && env.ATLASSIAN_CLIENT_SECRET);
}

function keyringFrom(
  config: Config,
  env: NodeJS.ProcessEnv,
  mode: 'stdio' | 'http',
  log: Logger,
): EncryptionKeyring {
  const text = env.CONFLUENCE_MCP_ENCRYPTION_KEYS;
  if (text) return parseEncryptionKeys(text);
  if (config.tokenStore.url === 'memory://') {
    log.warn(
      'no CONFLUENCE_MCP_ENCRYPTION_KEYS: using a key that lives as long as this process (memory store)',
    );
    return parseEncryptionKeys(generateEncryptionKey('ephemeral'));
  }
  if (mode === 'stdio' && config.tokenStore.url.startsWith('file:')) {
    return parseEncryptionKeys(localEncryptionKeys(localConfigDir(env)));
  }
  throw new ConfigError(
    `CONFLUENCE_MCP_ENCRYPTION_KEYS is required to encrypt tokens at rest in ${config.tokenStore.url.split(':')[0]}. Create one with: confluence-mcp gen-key`,
  );
}

/**
 * The identity provider people sign in at before connecting (HTTP only: the stdio user is on their own machine).
 * Its subjects are compared with callers' subjects, so it must be the very issuer of the callers' tokens.
 */
function browserLoginFrom(
  config: Config,
  env: NodeJS.ProcessEnv,
  options: RuntimeOptions,
  publicUrl: string,
): OidcLoginClient | undefined {
  const login = config.connect.browserLogin;
  if (!login || options.mode !== 'http') return undefined;
  if (login.issuer !== config.callerAuth.issuer) {
    throw new ConfigError(
      `connect.browserLogin.issuer (${login.issuer}) must equal callerAuth.issuer (${config.callerAuth.issuer ?? 'not set'}): the person signing in is compared with the caller by issuer and subject, and subjects from different issuers cannot be compared.`,
    );
  }
  const secret = env.CONFLUENCE_MCP_BROWSER_LOGIN_CLIENT_SECRET;
  return new OidcLoginClient({
    issuer: login.issuer,
    clientId: login.clientId,
    ...(secret ? { clientSecret: secret } : {}),
    redirectUri: `${publicUrl}${LOGIN_CALLBACK_PATH}`,
    scopes: login.scopes,
    ...(login.authorizationEndpoint ? { authorizationEndpoint: login.authorizationEndpoint } : {}),
    ...(login.tokenEndpoint ? { tokenEndpoint: login.tokenEndpoint } : {}),
    ...(login.jwksUrl ? { jwksUrl: login.jwksUrl } : {}),
    algorithms: config.callerAuth.algorithms,
    clockToleranceSeconds: config.callerAuth.clockToleranceSeconds,
    timeoutMs: config.limits.requestTimeoutMs,
    userAgent: USER_AGENT,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}

/**
 * Wires configuration into what the transports serve: per-user OAuth connections (a token store, Atlassian's OAuth
 * server, the connect flow) when an app is configured, otherwise the one credential in the environment.
 */
export async function buildRuntime(
  config: Config,
  log: Logger,
  options: RuntimeOptions,
): Promise<ServerRuntime> {
  const env = options.env ?? process.env;
  const settings = {
    timeoutMs: config.limits.requestTimeoutMs,
    userAgent: USER_AGENT,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  };
  const publicUrl = options.publicUrl ?? `http://127.0.0.1:${config.connect.loopbackPort}`;
  const resource = config.callerAuth.audience ?? `${publicUrl}/mcp`;
  const verifier =
    options.mode === 'http' && config.callerAuth.issuer
      ? createCallerVerifier({
          issuer: config.callerAuth.issuer,
          audience: resource,
          algorithms: config.callerAuth.algorithms,
          clockToleranceSeconds: config.callerAuth.clockToleranceSeconds,
          ...(config.callerAuth.jwksUrl ? { jwksUrl: config.callerAuth.jwksUrl } : {}),
          ...(env.CONFLUENCE_MCP_CALLER_PUBLIC_KEY
            ? { publicKey: env.CONFLUENCE_MCP_CALLER_PUBLIC_KEY }
            : {}),
        })
      : undefined;
  const callerOf = (extra: {
    authInfo?: { extra?: Record<string, unknown> } | undefined;
  }): Caller | undefined =>
    options.mode === 'stdio' ? LOCAL_CALLER : (extra.authInfo?.extra?.caller as Caller | undefined);

  if (!usesOAuth(config, env)) {
    const auth: ConfluenceAuth | undefined = credentialFromEnv(env, config.atlassian.apiBaseUrl);
    return {
      tools: configuredTools(config),
      runtime: {
        sessions: staticSessions(auth, settings),
        callerOf,
        limits: config.limits,
        policy: policyOf(config),
        log,
      },
      ...(verifier ? { callerAuth: { verifier, resource, issuer: config.callerAuth.issuer as string } } : {}),
      close: async () => {},
    };
  }

  if (options.mode === 'http' && !verifier) {
    throw new ConfigError(
      'Per-user OAuth over HTTP needs verified callers: set callerAuth.issuer (and callerAuth.jwksUrl or CONFLUENCE_MCP_CALLER_PUBLIC_KEY).',
    );
  }
  const browserLogin = browserLoginFrom(config, env, options, publicUrl);
  const storeUrl =
    options.mode === 'stdio' && config.tokenStore.url === 'memory://'
      ? pathToFileURL(join(localConfigDir(env), 'tokens.json')).toString()
      : config.tokenStore.url;
  const effective = { ...config, tokenStore: { ...config.tokenStore, url: storeUrl } };
  const keyring = keyringFrom(effective, env, options.mode, log);
  const store =
    options.store ??
    (await openSecretStore(storeUrl, {
      keys: keyring,
      namespace: config.tokenStore.namespace,
      onCorrupt: (event) => log.warn('unreadable token store value', { reason: event.reason }),
      onConnectionError: throttle(30_000, (reason: string) =>
        log.warn('token store connection trouble', { reason }),
      ),
    }));
  const tools = configuredTools(config);
  const hashUserKey = (userKey: string) => userKeyHash(userKey, keyring);
  const oauth = new AtlassianOAuth({
    authBaseUrl: config.atlassian.authBaseUrl,
    apiBaseUrl: config.atlassian.apiBaseUrl,
    clientId: config.atlassian.clientId as string,
    clientSecret: env.ATLASSIAN_CLIENT_SECRET as string,
    redirectUri: `${publicUrl}${config.atlassian.callbackPath}`,
    scopes: requestedScopes(config, tools),
    timeoutMs: config.limits.requestTimeoutMs,
    userAgent: USER_AGENT,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const manager = new ConnectionManager({
    store,
    oauth,
    hashUserKey,
    skewMs: config.connect.refreshSkewSeconds * 1000,
  });
  const flow = new ConnectFlow({
    store,
    oauth,
    manager,
    publicUrl,
    callbackPath: config.atlassian.callbackPath,
    authOrigin: new URL(config.atlassian.authBaseUrl).origin,
    stateKey: keyring.hmac('confluence-mcp oauth state key v1'),
    linkTtlMs: config.connect.linkTtlSeconds * 1000,
    maxPendingLinks: config.connect.maxPendingLinks,
    ...(browserLogin ? { browserLogin } : {}),
    log,
    whoAmI: async (accessToken, site) => {
      const client = new ConfluenceClient({
        ...settings,
        auth: {
          type: 'oauth',
          apiBaseUrl: config.atlassian.apiBaseUrl,
          cloudId: site.cloudId,
          accessToken: () => accessToken,
        },
      });
      const me = await getCurrentUser(client);
      return {
        ...(me.accountId ? { accountId: me.accountId } : {}),
        ...(me.displayName ? { name: me.displayName } : {}),
        ...(me.email ? { email: me.email } : {}),
      };
    },
  });
  const capabilityKey = (caller: Caller | undefined) =>
    caller ? `caps:${hashUserKey(caller.userKey)}` : undefined;
  return {
    tools,
    runtime: {
      sessions: new OAuthSessions(manager, flow, config.atlassian.apiBaseUrl, settings),
      callerOf,
      rememberedCapabilities: async (caller) => {
        const key = capabilityKey(caller);
        return key ? store.get<ClientCapabilities>(key) : undefined;
      },
      limits: config.limits,
      policy: policyOf(config),
      log,
    },
    flow,
    ...(verifier ? { callerAuth: { verifier, resource, issuer: config.callerAuth.issuer as string } } : {}),
    rememberCapabilities: async (caller, capabilities) => {
      // Only what decides behaviour is kept: whether the client can open URLs for the user.
      const elicitation =
        capabilities.elicitation && 'url' in capabilities.elicitation ? { url: {} } : undefined;
      await store.set(capabilityKey(caller) as string, elicitation ? { elicitation } : {}, 30 * 86_400_000);
    },
    store,
    close: async () => {
      if (!options.store) await store.close();
    },
  };
}

/** A runtime acting with one given credential for every caller (the demo, and tests). */
export function staticRuntime(
  config: Config,
  auth: ConfluenceAuth | undefined,
  log: Logger,
  fetchImpl?: typeof fetch,
): ServerRuntime {
  const settings = {
    timeoutMs: config.limits.requestTimeoutMs,
    userAgent: USER_AGENT,
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  };
  return {
    tools: configuredTools(config),
    runtime: {
      sessions: staticSessions(auth, settings),
      callerOf: () => LOCAL_CALLER,
      limits: config.limits,
      policy: policyOf(config),
      log,
    },
    close: async () => {},
  };
}
