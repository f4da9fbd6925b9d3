/*
 * How each part of a runtime is made from the configuration and the environment: client settings, caller
 * verification, the browser-login client, the encryption keys and the token store. runtime.ts puts them together.
 */

import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  type ClientSettings,
  type EncryptionKeyring,
  generateEncryptionKey,
  loadAuthParts,
  localConfigDir,
  localEncryptionKeys,
  type OidcLoginClient,
  openSecretStore,
  parseEncryptionKeys,
  type SecretStore,
  type StoreRecords,
} from './auth/index.js';
import { type Config, ConfigError } from './config/index.js';
import { RateLimitBoard, type UpstreamObserver } from './confluence/index.js';
import type { Logger } from './log.js';
import { PACKAGE } from './paths.js';
import type { CallerAuth } from './transports/index.js';

/** The user agent sent to Atlassian, so their logs can tell this app's traffic apart. */
export const USER_AGENT = `${PACKAGE.name}/${PACKAGE.version} (node ${process.versions.node})`;

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
export async function browserLoginFrom(
  config: Config,
  env: NodeJS.ProcessEnv,
  options: RuntimeOptions,
  publicUrl: string,
): Promise<OidcLoginClient | undefined> {
  const login = config.connect.browserLogin;
  if (!login || options.mode !== 'http') return undefined;
  if (login.issuer !== config.callerAuth.issuer) {
    throw new ConfigError(
      `connect.browserLogin.issuer (${login.issuer}) must equal callerAuth.issuer (${config.callerAuth.issuer ?? 'not set'}): the person signing in is compared with the caller by issuer and subject, and subjects from different issuers cannot be compared.`,
    );
  }
  const secret = env.CONFLUENCE_MCP_BROWSER_LOGIN_CLIENT_SECRET;
  const { LOGIN_CALLBACK_PATH, OidcLoginClient } = await loadAuthParts();
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
export function clientSettings(
  config: Config,
  fetchImpl: typeof fetch | undefined,
  observer?: UpstreamObserver,
): ClientSettings {
  return {
    timeoutMs: config.limits.requestTimeoutMs,
    userAgent: USER_AGENT,
    retry: { maxRetries: config.limits.maxRetries },
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
    ...(observer ? { observer } : {}),
  };
}

/**
 * The rate-limit view every client of this runtime shares: through the token store (Redis in a fleet, so every
 * instance learns a spent quota at once) when there is one, else in this process. A store that fails is logged,
 * never in a call's way.
 */
export function rateLimitBoard(
  log: Logger,
  shared?: { store: SecretStore; records: StoreRecords },
): RateLimitBoard {
  const warn = throttle(30_000, (error: unknown) =>
    log.warn('rate-limit state not shared: token store unavailable', { error: (error as Error).message }),
  );
  if (!shared) return new RateLimitBoard({ onStoreError: warn });
  const { store, records } = shared;
  return new RateLimitBoard({
    store: {
      get: () => store.get<number>(records.quotaSpent),
      set: (until, ttlMs) => store.set(records.quotaSpent, until, Math.max(1000, ttlMs)),
    },
    onStoreError: warn,
  });
}

/** Logs what Atlassian says about its rate limits: a spent quota once per reset, near-limit warnings throttled. */
export function rateLimitLog(log: Logger): UpstreamObserver {
  let told = 0;
  const near = throttle(60_000, (route: string, remaining: number | undefined) =>
    log.warn('Confluence rate limit is near', { route, remaining }),
  );
  return {
    rateLimited(event) {
      if (event.sharedUntil === undefined) {
        log.info('Confluence rate limited a request', {
          route: event.route,
          retryAfterMs: event.retryAfterMs,
        });
      } else if (event.sharedUntil > told) {
        told = event.sharedUntil;
        log.warn("the app's Confluence quota is spent: calls are answered without asking until the reset", {
          until: new Date(event.sharedUntil).toISOString(),
          reason: event.reason,
        });
      }
    },
    nearLimit: (event) => near(event.route, event.remaining),
  };
}

/** Caller verification for HTTP, when an issuer is configured; the resource is this server's /mcp URL. */
export async function callerAuthFrom(
  config: Config,
  env: NodeJS.ProcessEnv,
  options: RuntimeOptions,
  publicUrl: string,
): Promise<CallerAuth | undefined> {
  const issuer = config.callerAuth.issuer;
  if (options.mode !== 'http' || !issuer) return undefined;
  const resource = config.callerAuth.audience ?? `${publicUrl}/mcp`;
  const { cachingVerifier, createCallerVerifier } = await loadAuthParts();
  const verifier = cachingVerifier(
    createCallerVerifier({
      issuer,
      audience: resource,
      algorithms: config.callerAuth.algorithms,
      clockToleranceSeconds: config.callerAuth.clockToleranceSeconds,
      ...(config.callerAuth.jwksUrl ? { jwksUrl: config.callerAuth.jwksUrl } : {}),
      ...(env.CONFLUENCE_MCP_CALLER_PUBLIC_KEY ? { publicKey: env.CONFLUENCE_MCP_CALLER_PUBLIC_KEY } : {}),
    }),
    { maxEntries: config.callerAuth.tokenCacheSize },
  );
  return { verifier, resource, issuer };
}

/** The token store for per-user connections: the one given, or the configured one (a file for stdio's memory://). */
export async function openStore(
  config: Config,
  env: NodeJS.ProcessEnv,
  options: RuntimeOptions,
  log: Logger,
  onStoreError: () => void = () => {},
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
      onConnectionError: (() => {
        const warn = throttle(30_000, (reason: string) =>
          log.warn('token store connection trouble', { reason }),
        );
        return (reason: string) => {
          onStoreError();
          warn(reason);
        };
      })(),
    }));
  return { store, keyring };
}
