import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  EncryptionKeyring,
  openSecretStore,
  type SecretStore,
  StoreUnavailableError,
} from '../../../src/auth/store/index.js';
import { eventually } from '../../support/eventually.js';
import { reservePort } from '../../support/ports.js';
import { describeWithRedisServer, type RedisServerProcess, redisServer } from '../../support/redis.js';

const keys = new EncryptionKeyring([{ id: 'k1', key: Buffer.alloc(32, 12) }]);
const password = 'pw-FAKE-redis-password';
const value = { refreshToken: 'rt-FAKE-survives-restart' };

/** Resolves with how the promise settled, so a test can check that it settled at all. */
async function settle(promise: Promise<unknown>): Promise<{ error?: unknown }> {
  try {
    await promise;
    return {};
  } catch (error) {
    return { error };
  }
}

describeWithRedisServer('Redis token store when Redis goes down and comes back', () => {
  let dir: string;
  let server: RedisServerProcess | undefined;
  let store: SecretStore | undefined;
  const reasons: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cmcp-redis-outage-'));
    server = redisServer(dir, await reservePort(), { password });
    await server.start();
    store = await openSecretStore(server.url, {
      keys,
      operationTimeoutMs: 1000,
      maxReconnectDelayMs: 200,
      onConnectionError: (reason) => reasons.push(reason),
    });
  });
  afterAll(async () => {
    await store?.close();
    await server?.kill();
    await rm(dir, { recursive: true, force: true });
  });

  it('fails fast while Redis is down, then serves the same data again once it is back', async () => {
    if (!server || !store) throw new Error('beforeAll did not start Redis');
    await store.set('conn:u1', value);
    expect(await store.get('conn:u1')).toEqual(value);

    await server.kill();
    const failures = await Promise.all([
      settle(store.get('conn:u1')),
      settle(store.set('conn:u2', value)),
      settle(store.delete('conn:u1')),
      settle(store.take('conn:u1')),
      settle(store.add('conn:u3', value)),
      settle(store.withLock('refresh:u1', { ttlMs: 1000, waitMs: 5000 }, async () => 'ran')),
    ]);
    for (const { error } of failures) {
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect((error as Error).message).toMatch(/^token store unavailable: /);
      expect((error as Error).message).not.toContain(password);
    }

    await server.start();
    // The client reconnects by itself, with backoff; nothing announces when, so ask until it answers.
    const recovered = await eventually('the store answering again', () =>
      (store as SecretStore).get('conn:u1').catch(() => undefined),
    );
    expect(recovered).toEqual(value);
    // What the store reported as failed did not happen later either (no offline queue replaying it).
    expect(await store.get('conn:u2')).toBeUndefined();
    expect(await store.get('conn:u3')).toBeUndefined();
    await store.set('conn:u2', value);
    expect(await store.take('conn:u2')).toEqual(value);

    expect(reasons.length).toBeGreaterThan(0);
    expect(reasons.join('\n')).not.toContain(password);
  }, 30_000);

  it('fails after operationTimeoutMs, instead of hanging, while Redis is up but does not answer', async () => {
    if (!server || !store) throw new Error('beforeAll did not start Redis');
    await store.set('conn:hung', value);
    server.pause();
    try {
      const outcome = await settle(store.get('conn:hung'));
      expect(outcome.error).toBeInstanceOf(StoreUnavailableError);
      expect((outcome.error as Error).message).toBe(
        'token store unavailable: Redis did not answer within 1000 ms',
      );
    } finally {
      server.resume();
    }
    expect(await store.get('conn:hung')).toEqual(value);
  }, 30_000);

  it('refuses to open, quickly and without naming the password, when nothing listens', async () => {
    const port = await reservePort();
    const outcome = await settle(openSecretStore(`redis://:${password}@127.0.0.1:${port}`, { keys }));
    expect(outcome.error).toBeInstanceOf(StoreUnavailableError);
    expect((outcome.error as Error).message).toBe('token store unavailable: ECONNREFUSED');
  }, 30_000);
});
