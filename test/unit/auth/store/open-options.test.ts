// What openSecretStore hands the Redis backend: the caller's settings where given, the documented defaults where not.
// The backend is replaced by one that records its options, so no Redis is needed.
import { describe, expect, it, vi } from 'vitest';
import {
  generateEncryptionKey,
  openSecretStore,
  parseEncryptionKeys,
} from '../../../../src/auth/store/index.js';

const opened = vi.hoisted(() => [] as Array<{ url: string; options: Record<string, unknown> }>);
vi.mock('../../../../src/auth/store/redis-backend.js', () => ({
  openRedisBackend: async (url: string, options: Record<string, unknown>) => {
    opened.push({ url, options });
    throw new Error('recorded');
  },
}));

const keys = parseEncryptionKeys(generateEncryptionKey('t'));

describe('openSecretStore with a Redis URL', () => {
  it('uses the documented defaults: 1.5 s per operation, 2 s to connect, reconnect pauses up to 1 s', async () => {
    opened.length = 0;
    await expect(openSecretStore('redis://127.0.0.1:6379', { keys })).rejects.toThrow('recorded');
    expect(opened).toEqual([
      {
        url: 'redis://127.0.0.1:6379',
        options: {
          operationTimeoutMs: 1500,
          connectTimeoutMs: 2000,
          maxReconnectDelayMs: 1000,
          onConnectionError: undefined,
        },
      },
    ]);
  });

  it('passes on each setting the caller gives, for every Redis scheme', async () => {
    opened.length = 0;
    const onConnectionError = () => {};
    const settings = {
      operationTimeoutMs: 250,
      connectTimeoutMs: 300,
      maxReconnectDelayMs: 200,
      onConnectionError,
    };
    for (const url of ['redis://h:1', 'rediss://h:1', 'redis+cluster://h:1,h:2', 'REDISS+CLUSTER://h:1']) {
      await expect(openSecretStore(url, { keys, ...settings })).rejects.toThrow('recorded');
    }
    expect(opened.map((o) => o.options)).toEqual(Array(4).fill(settings));
  });
});
