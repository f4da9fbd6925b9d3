/*
 * How each part of a runtime is made from the configuration and the environment: client settings, caller
 * verification, the browser-login client, the encryption keys and the token store. runtime.ts puts them together.
 */

import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  type ClientSettings,
  cachingVerifier,
  createCallerVerifier,
  type EncryptionKeyring,
  generateEncryptionKey,
  LOGIN_CALLBACK_PATH,
  localConfigDir,
  localEncryptionKeys,
  OidcLoginClient,
  openSecretStore,
  parseEncryptionKeys,
  type SecretStore,
} from './auth/index.js';
import { type Config, ConfigError } from './config/index.js';
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
export function browserLoginFrom(
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
export function clientSettings(config: Config, fetchImpl: typeof fetch | undefined): ClientSettings {
  return {
    timeoutMs: config.limits.requestTimeoutMs,
    userAgent: USER_AGENT,
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  };
}

/** Caller verification for HTTP, when an issuer is configured; the resource is this server's /mcp URL. */
export function callerAuthFrom(
  config: Config,
  env: NodeJS.ProcessEnv,
  options: RuntimeOptions,
  publicUrl: string,
): CallerAuth | undefined {
  const issuer = config.callerAuth.issuer;
  if (options.mode !== 'http' || !issuer) return undefined;
  const resource = config.callerAuth.audience ?? `${publicUrl}/mcp`;
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
