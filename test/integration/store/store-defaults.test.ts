import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EncryptionKeyring,
  openSecretStore,
  type SecretStore,
  StoreUnavailableError,
} from '../../../src/auth/store/index.js';
import { reservePort } from '../../support/ports.js';
import { describeWithRedisServer, type RedisServerProcess, redisServer } from '../../support/redis.js';

// A store opened with nothing but its URL and keys (as the server opens it when the operator sets no limits) must
// still give up on a stuck holder or a silent Redis: a missing default would wait for ever, or not at all.

const keys = new EncryptionKeyring([{ id: 'k1', key: Buffer.alloc(32, 13) }]);

describe('a file store opened with default options', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cmcp-store-defaults-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('gives up on a lock another live process keeps, after its default wait of 5 s', async () => {
    const path = join(dir, 'store.json');
    const store = await openSecretStore(pathToFileURL(path).href, { keys });
    try {
      // The holder is this very process as far as the lock file says: alive, and its lock is fresh, so not stale.
      await writeFile(`${path}.lock`, JSON.stringify({ pid: process.pid, host: hostname(), token: 'other' }));
      const started = Date.now();
      const error = await store.set('conn:u1', 1).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect((error as Error).message).toContain('the store file is locked by another process');
      // Not a wall-clock test: only that it waited at all rather than failing on sight.
      expect(Date.now() - started).toBeGreaterThanOrEqual(4000);
    } finally {
      await store.close();
    }
  }, 30_000);
});

describeWithRedisServer('a Redis store opened with default options', () => {
  let dir: string;
  let server: RedisServerProcess | undefined;
  let store: SecretStore | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cmcp-store-defaults-redis-'));
    server = redisServer(dir, await reservePort());
    await server.start();
    store = await openSecretStore(server.url, { keys });
  });
  afterAll(async () => {
    server?.resume();
    await store?.close();
    await server?.kill();
    await rm(dir, { recursive: true, force: true });
  });

  it('reports a Redis that stopped answering after its default operation timeout of 1500 ms', async () => {
    if (!server || !store) throw new Error('beforeAll did not start Redis');
    await store.set('conn:u1', 1);
    server.pause();
    const error = await store.get('conn:u1').catch((e: unknown) => e);
    server.resume();
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toBe('token store unavailable: Redis did not answer within 1500 ms');
    expect(await store.get('conn:u1')).toBe(1);
  }, 30_000);
});
