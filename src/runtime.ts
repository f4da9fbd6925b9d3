import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  AtlassianOAuth,
  type Caller,
  type ClientSettings,
  ConnectFlow,
  ConnectionManager,
  createCallerVerifier,
  type EncryptionKeyring,
  generateEncryptionKey,
  LOCAL_CALLER,
  LOGIN_CALLBACK_PATH,
  localConfigDir,
  localEncryptionKeys,
  OAuthSessions,
  OidcLoginClient,
  openSecretStore,
  parseEncryptionKeys,
  type SecretStore,
  type SessionProvider,
  StoreRecords,
  staticSessions,
} from './auth/index.js';
import { type Config, ConfigError, credentialFromEnv } from './config/index.js';
import { type ConfluenceAuth, ConfluenceClient, getCurrentUser } from './confluence/index.js';
import type { Logger } from './log.js';
import {
  CapabilityMemory,
  configuredTools,
  createServer,
  requestedScopes,
  type ServerFactory,
} from './mcp/index.js';
import { PACKAGE } from './paths.js';
import type { CallerAuth } from './transports/index.js';

/** The user agent sent to Atlassian, so their logs can tell this app's traffic apart. */
export const USER_AGENT = `${PACKAGE.name}/${PACKAGE.version} (node ${process.versions.node})`;

/** What the commands serve, wired from the configuration: the MCP servers, and the parts around them. */
export interface Runtime {
  /** Makes the MCP servers the transports serve. */
  server: ServerFactory;
  /** How calls reach Confluence for each caller; `login` and `logout` use it for the local user. */
  sessions: SessionProvider;
  /** Serves `/connect/...` and the OAuth callback, when users connect through this server. */
  flow?: ConnectFlow;
  /** Verifies callers' bearer tokens (HTTP), when configured: this server is then an OAuth resource server. */
  callerAuth?: CallerAuth;
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

/** How every client this server makes talks to Atlassian. */
function clientSettings(config: Config, fetchImpl: typeof fetch | undefined): ClientSettings {
  return {
    timeoutMs: config.limits.requestTimeoutMs,
    userAgent: USER_AGENT,
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  };
}

/** What differs between runtimes: how sessions are made, and what surrounds them. */
interface RuntimeParts {
  sessions: SessionProvider;
  defaultCaller?: Caller | undefined;
  capabilities?: CapabilityMemory | undefined;
  flow?: ConnectFlow | undefined;
  callerAuth?: CallerAuth | undefined;
  close(): Promise<void>;
}

/** The one place a runtime is put together, whatever reaches Confluence for its callers. */
function assemble(config: Config, log: Logger, parts: RuntimeParts): Runtime {
  const { sessions, defaultCaller, capabilities, flow, callerAuth, close } = parts;
  const server = createServer({
    tools: configuredTools(config),
    sessions,
    limits: config.limits,
    policy: policyOf(config),
    log,
    ...(defaultCaller ? { defaultCaller } : {}),
    ...(capabilities ? { capabilities } : {}),
  });
  return { server, sessions, ...(flow ? { flow } : {}), ...(callerAuth ? { callerAuth } : {}), close };
}

/** Caller verification for HTTP, when an issuer is configured; the resource is this server's /mcp URL. */
function callerAuthFrom(
  config: Config,
  env: NodeJS.ProcessEnv,
  options: RuntimeOptions,
  publicUrl: string,
): CallerAuth | undefined {
  const issuer = config.callerAuth.issuer;
  if (options.mode !== 'http' || !issuer) return undefined;
  const resource = config.callerAuth.audience ?? `${publicUrl}/mcp`;
  const verifier = createCallerVerifier({
    issuer,
    audience: resource,
    algorithms: config.callerAuth.algorithms,
    clockToleranceSeconds: config.callerAuth.clockToleranceSeconds,
    ...(config.callerAuth.jwksUrl ? { jwksUrl: config.callerAuth.jwksUrl } : {}),
    ...(env.CONFLUENCE_MCP_CALLER_PUBLIC_KEY ? { publicKey: env.CONFLUENCE_MCP_CALLER_PUBLIC_KEY } : {}),
  });
  return { verifier, resource, issuer };
}

/** The token store for per-user connections: the one given, or the configured one (a file for stdio's memory://). */
async function openStore(
  config: Config,
  env: NodeJS.ProcessEnv,
  options: RuntimeOptions,
  log: Logger,
): Promise<{ store: SecretStore; keyring: EncryptionKeyring }> {
  const storeUrl =
    options.mode === 'stdio' && config.tokenStore.url === 'memory://'
      ? pathToFileURL(join(localConfigDir(env), 'tokens.json')).toString()
      : config.tokenStore.url;
  const keyring = keyringFrom(
    { ...config, tokenStore: { ...config.tokenStore, url: storeUrl } },
    env,
    options.mode,
    log,
  );
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
  return { store, keyring };
}

/**
 * Wires configuration into what the transports serve: per-user OAuth connections (a token store, Atlassian's OAuth
 * server, the connect flow) when an app is configured, otherwise the one credential in the environment.
 */
export async function buildRuntime(config: Config, log: Logger, options: RuntimeOptions): Promise<Runtime> {
  const env = options.env ?? process.env;
  const settings = clientSettings(config, options.fetch);
  const publicUrl = options.publicUrl ?? `http://127.0.0.1:${config.connect.loopbackPort}`;
  const callerAuth = callerAuthFrom(config, env, options, publicUrl);
  const defaultCaller = options.mode === 'stdio' ? LOCAL_CALLER : undefined;

  if (!usesOAuth(config, env)) {
    const auth: ConfluenceAuth | undefined = credentialFromEnv(env, config.atlassian.apiBaseUrl);
    return assemble(config, log, {
      sessions: staticSessions(auth, settings),
      defaultCaller,
      callerAuth,
      close: async () => {},
    });
  }

  if (options.mode === 'http' && !callerAuth) {
    throw new ConfigError(
      'Per-user OAuth over HTTP needs verified callers: set callerAuth.issuer (and callerAuth.jwksUrl or CONFLUENCE_MCP_CALLER_PUBLIC_KEY).',
    );
  }
  const browserLogin = browserLoginFrom(config, env, options, publicUrl);
  const { store, keyring } = await openStore(config, env, options, log);
  const records = new StoreRecords(keyring);
  const oauth = new AtlassianOAuth({
    authBaseUrl: config.atlassian.authBaseUrl,
    apiBaseUrl: config.atlassian.apiBaseUrl,
    clientId: config.atlassian.clientId as string,
    clientSecret: env.ATLASSIAN_CLIENT_SECRET as string,
    redirectUri: `${publicUrl}${config.atlassian.callbackPath}`,
    scopes: requestedScopes(config, configuredTools(config)),
    timeoutMs: config.limits.requestTimeoutMs,
    userAgent: USER_AGENT,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const manager = new ConnectionManager({
    store,
    records,
    oauth,
    skewMs: config.connect.refreshSkewSeconds * 1000,
  });
  const flow = new ConnectFlow({
    store,
    records,
    oauth,
    manager,
    publicUrl,
    callbackPath: config.atlassian.callbackPath,
    authOrigin: new URL(config.atlassian.authBaseUrl).origin,
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
  return assemble(config, log, {
    sessions: new OAuthSessions(manager, flow, config.atlassian.apiBaseUrl, settings),
    defaultCaller,
    // Only stateless HTTP forgets what a client declared between requests.
    capabilities: options.mode === 'http' ? new CapabilityMemory(store, records) : undefined,
    flow,
    callerAuth,
    close: async () => {
      if (!options.store) await store.close();
    },
  });
}

/** A runtime acting with one given credential for every caller, as the local user (tests and benchmarks). */
export function staticRuntime(
  config: Config,
  auth: ConfluenceAuth | undefined,
  log: Logger,
  fetchImpl?: typeof fetch,
): Runtime {
  return assemble(config, log, {
    sessions: staticSessions(auth, clientSettings(config, fetchImpl)),
    defaultCaller: LOCAL_CALLER,
    close: async () => {},
  });
}
