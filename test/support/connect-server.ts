import { generateEncryptionKey, parseEncryptionKeys } from '../../src/auth/store/index.js';
import { createMemoryBackend } from '../../src/auth/store/memory-backend.js';
import { createSecretStore } from '../../src/auth/store/secret-store.js';
import { StoreUnavailableError } from '../../src/auth/store/store-unavailable-error.js';
import type { Backend } from '../../src/auth/store/types.js';
import { configSchema } from '../../src/config/schema.js';
import { silentLogger } from '../../src/log.js';
import { buildRuntime } from '../../src/runtime.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { startHttpServer } from '../../src/transports/http.js';
import { registerApp } from './oauth-server.js';

/**
 * A memory backend that remembers every key written to it, so a test can ask the backend which of them still hold
 * a value: the records in the store, counted by the store itself. `down` makes every operation fail as a store
 * that cannot be reached does.
 */
export function countingBackend(): Backend & {
  down: boolean;
  /** Keys whose operations fail as if the store were down (the rest work). */
  downFor: RegExp | undefined;
  liveKeys(): Promise<string[]>;
} {
  const inner = createMemoryBackend();
  const written = new Set<string>();
  /** Runs `operation` on the memory backend unless the test has taken the store (or this key) down. */
  const when = <T>(operation: () => Promise<T>, key?: string): Promise<T> =>
    backend.down || (key !== undefined && backend.downFor?.test(key))
      ? Promise.reject(new StoreUnavailableError('the test took the store down'))
      : operation();
  const backend = {
    down: false,
    downFor: undefined as RegExp | undefined,
    kind: inner.kind,
    get: (key: string) => when(() => inner.get(key), key),
    set: (key: string, value: string, ttlMs?: number) =>
      when(async () => {
        written.add(key);
        await inner.set(key, value, ttlMs);
      }, key),
    delete: (key: string) => when(() => inner.delete(key), key),
    take: (key: string) => when(() => inner.take(key), key),
    add: (key: string, value: string, ttlMs?: number) =>
      when(async () => {
        const added = await inner.add(key, value, ttlMs);
        if (added) written.add(key);
        return added;
      }, key),
    acquireLock: (key: string, token: string, ttlMs: number) =>
      when(() => inner.acquireLock(key, token, ttlMs)),
    releaseLock: (key: string, token: string) => when(() => inner.releaseLock(key, token)),
    close: () => inner.close(),
    async liveKeys() {
      const live: string[] = [];
      for (const key of written) if ((await inner.get(key)) !== undefined) live.push(key);
      return live.map((key) => key.replace(/^[^:]+:kv:/, '')).sort();
    },
  };
  return backend;
}

export interface ConnectServerOptions {
  clientId: string;
  clientSecret: string;
  /** Fields merged into the configuration (connect, tools...). */
  config?: Record<string, unknown>;
  browserLogin?: { clientId: string };
}

/**
 * `confluence-mcp http` with per-user OAuth against the sandbox, in this process (real HTTP on a free port), over a
 * memory store whose records the test can count and take down.
 */
export async function startConnectServer(sandbox: Sandbox, options: ConnectServerOptions) {
  const keys = generateEncryptionKey('state');
  const backend = countingBackend();
  const store = createSecretStore(backend, { keys: parseEncryptionKeys(keys) });
  const extra = options.config ?? {};
  const config = configSchema.parse({
    ...extra,
    http: { host: '127.0.0.1', port: 0 },
    atlassian: { authBaseUrl: sandbox.url, apiBaseUrl: sandbox.url, clientId: options.clientId },
    callerAuth: { issuer: sandbox.idp.issuer, jwksUrl: sandbox.idp.jwksUrl },
    connect: {
      ...((extra.connect as Record<string, unknown> | undefined) ?? {}),
      ...(options.browserLogin
        ? { browserLogin: { issuer: sandbox.idp.issuer, clientId: options.browserLogin.clientId } }
        : {}),
    },
  });
  const env = { ATLASSIAN_CLIENT_SECRET: options.clientSecret, CONFLUENCE_MCP_ENCRYPTION_KEYS: keys };
  const http = await startHttpServer({
    http: config.http,
    batch: config.limits,
    log: silentLogger,
    build: (publicUrl) => {
      registerApp(sandbox, options.clientId, options.clientSecret, [publicUrl]);
      if (options.browserLogin)
        sandbox.registerIdpClient(options.browserLogin.clientId, [`${publicUrl}/connect/login-callback`]);
      return buildRuntime(config, silentLogger, { mode: 'http', publicUrl, env, store });
    },
  });
  return {
    backend,
    publicUrl: http.publicUrl,
    mcpUrl: http.mcpUrl,
    /** The keys of the records in the store now, without the namespace. */
    records: () => backend.liveKeys(),
    close: async () => {
      await http.close();
      await store.close();
    },
  };
}
