import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  EncryptionKeyring,
  openSecretStore,
  StoreUnavailableError,
} from '../../../../src/auth/store/index.js';
import { parseClusterUrl, redisFailureReason } from '../../../../src/auth/store/redis-connection.js';

const keys = new EncryptionKeyring([{ id: 'k1', key: Buffer.alloc(32, 4) }]);

describe('openSecretStore', () => {
  it('opens a memory store for memory://', async () => {
    const store = await openSecretStore('memory://', { keys });
    expect(store.kind).toBe('memory');
    await store.set('a', 1);
    expect(await store.get('a')).toBe(1);
    await store.close();
  });

  it('opens a file store for a file:// URL with an absolute path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cmcp-open-'));
    try {
      const store = await openSecretStore(pathToFileURL(join(dir, 'store.json')).href, { keys });
      expect(store.kind).toBe('file');
      await store.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it.each([
    ['file://relative/store.json', /file store URL/],
    ['file:///tmp/dir/', /must name a file by absolute path/],
    ['mysql://root:hunter2@db/x', /^unsupported token store URL scheme "mysql:"; use memory:\/\//],
    ['hunter2', /^unsupported token store URL; use/],
    ['redis+cluster://:hunter2@', /Redis Cluster node must be host or host:port/],
    ['redis+cluster://h1:7000/0', /Redis Cluster URL looks like/],
    ['redis://:hunter2@exa mple:6379', /Redis URL looks like/],
  ])('refuses %s with a message that shows no credentials', async (url, message) => {
    const error = await openSecretStore(url, { keys }).catch((caught: Error) => caught);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('hunter2');
  });

  it('refuses a namespace that could break key names', async () => {
    await expect(openSecretStore('memory://', { keys, namespace: 'a b' })).rejects.toThrow(/namespace/);
  });
});

describe('parseClusterUrl', () => {
  it('reads nodes, credentials and TLS', () => {
    expect(parseClusterUrl('redis+cluster://10.0.0.1:7000,10.0.0.2,[::1]:7002')).toEqual({
      tls: false,
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: '10.0.0.2', port: 6379 },
        { host: '::1', port: 7002 },
      ],
    });
    expect(parseClusterUrl('rediss+cluster://app:p%40ss@h1:7000/')).toEqual({
      tls: true,
      username: 'app',
      password: 'p@ss',
      nodes: [{ host: 'h1', port: 7000 }],
    });
    expect(parseClusterUrl('redis+cluster://:secret@h1:7000').password).toBe('secret');
  });
});

describe('redisFailureReason', () => {
  class ClientOfflineError extends Error {}
  class SimpleError extends Error {}
  it.each([
    [
      Object.assign(new Error('connect ECONNREFUSED 10.1.2.3:6379'), { code: 'ECONNREFUSED' }),
      'ECONNREFUSED',
    ],
    [new ClientOfflineError('The client is offline'), 'not connected to Redis (reconnecting)'],
    [new SimpleError('WRONGPASS invalid username-password pair'), 'Redis replied WRONGPASS'],
    [new StoreUnavailableError('already mapped'), 'already mapped'],
    [new Error('something mentioning redis://:hunter2@host'), 'unexpected Redis failure'],
    ['a string', 'unexpected failure'],
  ])('maps %s to a reason without hosts or secrets', (error, reason) => {
    expect(redisFailureReason(error)).toBe(reason);
  });
});
