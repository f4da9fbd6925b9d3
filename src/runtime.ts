import { ALL_TOOLS, requestedScopes, selectTools } from '../tools/index.js';
import {
  type Caller,
  type ConnectFlow,
  LOCAL_CALLER,
  loadAuthParts,
  type SessionProvider,
  StoreRecords,
  staticSessions,
} from './auth/index.js';
import { type Config, ConfigError, credentialFromEnv } from './config/index.js';
import { type ConfluenceAuth, ConfluenceClient, getCurrentUser, observeAll } from './confluence/index.js';
import { pooledConverter } from './content/index.js';
import type { Logger } from './log.js';
import {
  CapabilityMemory,
  createServer,
  DynamicToolsets,
  FairQueue,
  type ServerFactory,
} from './mcp/index.js';
import { OpsMetrics, processUserTag, storeReadiness } from './ops/index.js';
import {
  browserLoginFrom,
  callerAuthFrom,
  clientSettings,
  openStore,
  type RuntimeOptions,
  rateLimitBoard,
  rateLimitLog,
  USER_AGENT,
  usesOAuth,
} from './runtime-parts.js';
import type { CallerAuth } from './transports/index.js';

export { type RuntimeOptions, USER_AGENT } from './runtime-parts.js';

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
  /** What an operator sees: Prometheus metrics, and whether the token store answers (`/readyz`). */
  ops: { metrics: OpsMetrics; ready(): Promise<boolean> };
  close(): Promise<void>;
}

/** The operator's rules for tools, from the configuration. */
function policyOf(config: Config) {
  return { spaces: config.tools.spaces, allowPurge: config.tools.allowPurge };
}

/** What differs between runtimes: how sessions are made, and what surrounds them. */
interface RuntimeParts {
  sessions: SessionProvider;
  defaultCaller?: Caller | undefined;
  capabilities?: CapabilityMemory | undefined;
  flow?: ConnectFlow | undefined;
  callerAuth?: CallerAuth | undefined;
  metrics: OpsMetrics;
  /** Names callers in logs by a keyed hash. */
  userTag: (userKey: string) => string;
  ready?: (() => Promise<boolean>) | undefined;
  /** Serves many users (HTTP): their calls are admitted in turn, within per-user bounds. */
  sharedByUsers: boolean;
  close(): Promise<void>;
}

/** The one place a runtime is put together, whatever reaches Confluence for its callers. */
function assemble(config: Config, log: Logger, parts: RuntimeParts): Runtime {
  const { sessions, defaultCaller, capabilities, flow, callerAuth, metrics, userTag } = parts;
  // A stdio server builds its metrics with its first call, if ever (nothing scrapes them): not at start-up.
  if (parts.sharedByUsers) metrics.collect();
  const converter = pooledConverter(config.limits.conversion);
  const close = async () => {
    await converter.close();
    await parts.close();
  };
  const server = createServer({
    converter,
    ...(parts.sharedByUsers ? { fairness: new FairQueue(config.limits) } : {}),
    tools: selectTools(ALL_TOOLS, config.tools),
    sessions,
    limits: config.limits,
    callDeadlineMs: config.limits.callDeadlineMs,
    policy: policyOf(config),
    log,
    calls: metrics.calls,
    userTag,
    ...(defaultCaller ? { defaultCaller } : {}),
    ...(capabilities ? { capabilities } : {}),
    ...(config.tools.dynamic ? { dynamic: new DynamicToolsets() } : {}),
  });
  const ops = { metrics, ready: parts.ready ?? (async () => true) };
  return { server, sessions, ...(flow ? { flow } : {}), ...(callerAuth ? { callerAuth } : {}), ops, close };
}

/**
 * Wires configuration into what the transports serve: per-user OAuth connections (a token store, Atlassian's OAuth
 * server, the connect flow) when an app is configured, otherwise the one credential in the environment.
 */
export async function buildRuntime(config: Config, log: Logger, options: RuntimeOptions): Promise<Runtime> {
  const env = options.env ?? process.env;
  const metrics = new OpsMetrics();
  const base = clientSettings(config, options.fetch, observeAll(metrics.upstream(log), rateLimitLog(log)));
  const publicUrl = options.publicUrl ?? `http://127.0.0.1:${config.connect.loopbackPort}`;
  const callerAuth = await callerAuthFrom(config, env, options, publicUrl);
  const defaultCaller = options.mode === 'stdio' ? LOCAL_CALLER : undefined;

  if (!usesOAuth(config, env)) {
    const auth: ConfluenceAuth | undefined = credentialFromEnv(env, config.atlassian.apiBaseUrl);
    return assemble(config, log, {
      sessions: staticSessions(auth, { ...base, rateLimits: rateLimitBoard(log) }),
      defaultCaller,
      callerAuth,
      metrics,
      userTag: processUserTag(),
      sharedByUsers: options.mode === 'http',
      close: async () => {},
    });
  }

  if (options.mode === 'http' && !callerAuth) {
    throw new ConfigError(
      'Per-user OAuth over HTTP needs verified callers: set callerAuth.issuer (and callerAuth.jwksUrl or CONFLUENCE_MCP_CALLER_PUBLIC_KEY).',
    );
  }
  const browserLogin = await browserLoginFrom(config, env, options, publicUrl);
  // The OAuth flow (jose, ky) loads only here: a runtime with a static credential never needs it.
  const { AtlassianOAuth, ConnectFlow, ConnectionManager, OAuthSessions } = await loadAuthParts();
  const { store, keyring } = await openStore(config, env, options, log, () => metrics.storeError());
  const records = new StoreRecords(keyring);
  const settings = { ...base, rateLimits: rateLimitBoard(log, { store, records }) };
  const oauth = new AtlassianOAuth({
    authBaseUrl: config.atlassian.authBaseUrl,
    apiBaseUrl: config.atlassian.apiBaseUrl,
    clientId: config.atlassian.clientId as string,
    clientSecret: env.ATLASSIAN_CLIENT_SECRET as string,
    redirectUri: `${publicUrl}${config.atlassian.callbackPath}`,
    scopes: requestedScopes(
      config.atlassian.scopes,
      selectTools(ALL_TOOLS, config.tools),
      config.tools.readOnly,
    ),
    timeoutMs: config.limits.requestTimeoutMs,
    userAgent: USER_AGENT,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const manager = new ConnectionManager({
    store,
    records,
    oauth,
    skewMs: config.connect.refreshSkewSeconds * 1000,
    onRefresh: (outcome) => metrics.tokenRefresh(outcome),
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
    metrics,
    userTag: rememberedTags((userKey) => records.logTag(userKey)),
    ready: storeReadiness(store.kind, () => store.get(records.readinessProbe())),
    sharedByUsers: options.mode === 'http',
    close: async () => {
      if (!options.store) await store.close();
    },
  });
}

/**
 * Log tags by user key, remembered: the keyed hash is an HMAC, a measurable share of a small call's CPU when done on
 * every call. At most `max` are kept (all are forgotten when full), so many users cannot grow the map unbounded.
 */
export function rememberedTags(tag: (userKey: string) => string, max = 4096): (userKey: string) => string {
  const tags = new Map<string, string>();
  return (userKey) => {
    let known = tags.get(userKey);
    if (known === undefined) {
      if (tags.size >= max) tags.clear();
      known = tag(userKey);
      tags.set(userKey, known);
    }
    return known;
  };
}

/** A runtime acting with one given credential for every caller, as the local user (tests and benchmarks). */
export function staticRuntime(
  config: Config,
  auth: ConfluenceAuth | undefined,
  log: Logger,
  fetchImpl?: typeof fetch,
): Runtime {
  const metrics = new OpsMetrics();
  return assemble(config, log, {
    sessions: staticSessions(auth, {
      ...clientSettings(config, fetchImpl, observeAll(metrics.upstream(log), rateLimitLog(log))),
      rateLimits: rateLimitBoard(log),
    }),
    defaultCaller: LOCAL_CALLER,
    metrics,
    userTag: processUserTag(),
    sharedByUsers: true,
    close: async () => {},
  });
}
