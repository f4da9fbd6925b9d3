import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  EncryptionKeyring,
  LockTimeoutError,
  openSecretStore,
  type SecretStore,
  userKeyHash,
} from '../../../src/auth/store/index.js';
import { eventually } from '../../support/eventually.js';
import {
  deleteNamespace,
  describeWithRedis,
  openRawRedis,
  redisUrl,
  scanKeys,
  uniqueNamespace,
} from '../../support/redis.js';
import { watchCommands } from '../../support/redis-monitor.js';

const keys = new EncryptionKeyring([{ id: 'k1', key: Buffer.alloc(32, 11) }]);
const namespace = uniqueNamespace('store');
const userKey = 'https://id.example.com/|auth0|user-alice-1234';
const fakeRefreshToken = 'rt-FAKE-eyJhbGciOi-DO-NOT-LEAK-0123456789';

/** Waits until Redis itself has dropped `key` for its ttl. */
async function expiredInRedis(raw: Awaited<ReturnType<typeof openRawRedis>>, key: string): Promise<void> {
  await eventually(`Redis expiring ${key}`, async () => ((await raw.exists(key)) === 0 ? true : undefined), {
    intervalMs: 20,
  });
}

describeWithRedis('Redis token store', () => {
  let a: SecretStore;
  let b: SecretStore;

  beforeAll(async () => {
    // Two stores, two separate Redis connections: as two instances of a fleet.
    a = await openSecretStore(redisUrl, { keys, namespace });
    b = await openSecretStore(redisUrl, { keys, namespace });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await deleteNamespace(namespace);
  });

  it('reports its kind', () => {
    expect(a.kind).toBe('redis');
  });

  it('gets what another instance set, and nothing after delete', async () => {
    await a.set('conn:1', { accessToken: 'at', n: 1 });
    expect(await b.get('conn:1')).toEqual({ accessToken: 'at', n: 1 });
    expect(await b.delete('conn:1')).toBe(true);
    expect(await a.delete('conn:1')).toBe(false);
    expect(await a.get('conn:1')).toBeUndefined();
  });

  // Redis keeps its own clock, so these tests cannot move it: a value must be read while it lives (a ttl of a minute,
  // which no busy machine outlasts), and an expiry is waited for (a short ttl, until Redis no longer has the key).

  it('lets Redis expire a value after its ttl', async () => {
    await a.set('ttl:1', 'v', 60_000);
    await a.set('ttl:2', 'v', 50);
    const raw = await openRawRedis();
    try {
      const pttl = await raw.pTTL(`${namespace}:kv:ttl:1`);
      expect(pttl).toBeGreaterThan(0);
      expect(pttl).toBeLessThanOrEqual(60_000);
      expect(await b.get('ttl:1')).toBe('v');
      await expiredInRedis(raw, `${namespace}:kv:ttl:2`);
      expect(await b.get('ttl:2')).toBeUndefined();
    } finally {
      raw.destroy();
    }
  });

  it('add sets only when absent, with a ttl, and reads back through get', async () => {
    expect(await a.add('code:1', 'first', 60_000)).toBe(true);
    expect(await b.add('code:1', 'second')).toBe(false);
    expect(await b.get('code:1')).toBe('first');
    expect(await a.add('code:2', 'first', 50)).toBe(true);
    const raw = await openRawRedis();
    try {
      expect(await raw.pTTL(`${namespace}:kv:code:1`)).toBeGreaterThan(0);
      await expiredInRedis(raw, `${namespace}:kv:code:2`);
    } finally {
      raw.destroy();
    }
    expect(await b.add('code:2', 'third')).toBe(true);
    expect(await a.take('code:2')).toBe('third');
  });

  it('gives the value to exactly one of 20 concurrent takers on two connections', async () => {
    for (let round = 0; round < 5; round++) {
      await a.set(`state:${round}`, { nonce: round });
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).take<{ nonce: number }>(`state:${round}`)),
      );
      expect(results.filter((r) => r?.nonce === round)).toHaveLength(1);
      expect(await a.get(`state:${round}`)).toBeUndefined();
    }
  });

  it('never runs two withLock sections at once across instances (20 contenders)', async () => {
    const spans: Array<{ enter: number; leave: number }> = [];
    let inside = 0;
    let maxInside = 0;
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? a : b).withLock('refresh:u1', { ttlMs: 5000, waitMs: 20_000 }, async () => {
          inside++;
          maxInside = Math.max(maxInside, inside);
          const enter = performance.now();
          await sleep(5);
          spans.push({ enter, leave: performance.now() });
          inside--;
        }),
      ),
    );
    expect(maxInside).toBe(1);
    spans.sort((x, y) => x.enter - y.enter);
    for (let i = 1; i < spans.length; i++) {
      expect(spans[i]?.enter).toBeGreaterThanOrEqual(spans[i - 1]?.leave ?? Number.POSITIVE_INFINITY);
    }
    expect(spans).toHaveLength(20);
  });

  it("frees a crashed holder's lock after ttlMs", async () => {
    const lock = `${namespace}:lock:crashed`;
    const raw = await openRawRedis();
    try {
      // A holder that took the lock and died: nobody will ever release it, only its ttl ends it.
      await raw.set(lock, 'dead-holder-token', {
        condition: 'NX',
        expiration: { type: 'PX', value: 60_000 },
      });
      await expect(
        a.withLock('crashed', { ttlMs: 1000, waitMs: 50 }, async () => 'x'),
      ).rejects.toBeInstanceOf(LockTimeoutError);
      const redis = await watchCommands(lock);
      try {
        const waiter = b.withLock('crashed', { ttlMs: 1000, waitMs: 20_000 }, async () => 'got it');
        // The waiter tries while the dead holder's ttl still runs; then the ttl runs out (cut short, not waited for).
        await redis.seen((command) => command.args[0] === 'SET' && command.args[1] === lock);
        await raw.pExpire(lock, 1);
        expect(await waiter).toBe('got it');
      } finally {
        redis.close();
      }
    } finally {
      raw.destroy();
    }
  });

  it('uses the logical database a redis://host:port/db URL names', async () => {
    const url = new URL(redisUrl);
    url.pathname = '/3';
    const inDb3 = await openSecretStore(url.href, { keys, namespace });
    const raw0 = await openRawRedis();
    const raw3 = await openRawRedis(url.href);
    try {
      await inDb3.set('db:probe', 1);
      expect(await raw3.exists(`${namespace}:kv:db:probe`)).toBe(1);
      expect(await raw0.exists(`${namespace}:kv:db:probe`)).toBe(0);
      expect(await a.get('db:probe')).toBeUndefined();
    } finally {
      await inDb3.close();
      raw0.destroy();
      raw3.destroy();
      await deleteNamespace(namespace, url.href);
    }
  });

  it('keeps no plaintext secret in Redis values and no user key in Redis key names', async () => {
    const id = userKeyHash(userKey, keys);
    await a.set(`conn:${id}`, { userKey, refreshToken: fakeRefreshToken, accessToken: 'at-FAKE-ACCESS' });
    await a.add(`state:${id}`, { userKey, refreshToken: fakeRefreshToken }, 60_000);
    await a.withLock(`refresh:${id}`, { ttlMs: 5000, waitMs: 1000 }, async () => {
      const raw = await openRawRedis();
      try {
        const names = await scanKeys(raw, namespace);
        expect(names).toContain(`${namespace}:kv:conn:${id}`);
        expect(names).toContain(`${namespace}:lock:refresh:${id}`);
        for (const name of names) {
          expect(name).not.toContain('alice');
          expect(name).not.toContain('id.example.com');
          const value = (await raw.get(name)) ?? '';
          expect(value).not.toContain(fakeRefreshToken);
          expect(value).not.toContain('FAKE');
          expect(value).not.toContain('alice');
        }
      } finally {
        raw.destroy();
      }
    });
    expect(await b.get(`conn:${id}`)).toMatchObject({ refreshToken: fakeRefreshToken });
  });
});
