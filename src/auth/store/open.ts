import { isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSecretStore } from './secret-store.js';
import type { Backend, SecretStore, SecretStoreOptions } from './types.js';

const SUPPORTED =
  'memory://, file:///absolute/path.json, redis://host:port[/db], rediss://..., redis+cluster://host:port,host:port';

// Each backend is imported when a URL names it: a stdio user with a file store never loads the Redis client.
async function openBackend(url: string, options: SecretStoreOptions): Promise<Backend> {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  switch (scheme) {
    case 'memory': {
      const { createMemoryBackend } = await import('./memory-backend.js');
      return createMemoryBackend();
    }
    case 'file': {
      let path: string;
      try {
        path = fileURLToPath(url);
      } catch {
        throw new TypeError('a file store URL looks like file:///absolute/path/store.json');
      }
      if (!isAbsolute(path) || path.endsWith('/')) {
        throw new TypeError(
          'a file store URL must name a file by absolute path, e.g. file:///home/me/.confluence-mcp/store.json',
        );
      }
      const { openFileBackend } = await import('./file-backend.js');
      return openFileBackend(path, { lockWaitMs: options.fileLockWaitMs ?? 5000 });
    }
    case 'redis':
    case 'rediss':
    case 'redis+cluster':
    case 'rediss+cluster': {
      const { openRedisBackend } = await import('./redis-backend.js');
      return openRedisBackend(url, {
        operationTimeoutMs: options.operationTimeoutMs ?? 1500,
        connectTimeoutMs: options.connectTimeoutMs ?? 2000,
        maxReconnectDelayMs: options.maxReconnectDelayMs ?? 1000,
        onConnectionError: options.onConnectionError,
      });
    }
    default:
      // The URL itself may hold a password, so only the scheme is named.
      throw new TypeError(
        `unsupported token store URL${scheme ? ` scheme "${scheme}:"` : ''}; use ${SUPPORTED}`,
      );
  }
}

/**
 * Opens the token store a URL names: `memory://` (one process), `file:///abs/path.json` (the stdio user, survives
 * restarts), `redis://host:port[/db]` or `rediss://` (a fleet sharing one Redis), `redis+cluster://host:port,...`
 * (Redis Cluster; `rediss+cluster://` for TLS). Redis must answer within connectTimeoutMs or this rejects with
 * StoreUnavailableError; afterwards outages fail operations fast and the store reconnects by itself.
 */
export async function openSecretStore(url: string, options: SecretStoreOptions): Promise<SecretStore> {
  const backend = await openBackend(url, options);
  try {
    return createSecretStore(backend, options);
  } catch (error) {
    await backend.close();
    throw error;
  }
}
