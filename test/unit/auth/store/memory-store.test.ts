import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EncryptionKeyring } from '../../../../src/auth/store/keys.js';
import { LockTimeoutError } from '../../../../src/auth/store/lock-timeout-error.js';
import { createMemoryBackend } from '../../../../src/auth/store/memory-backend.js';
import { createSecretStore } from '../../../../src/auth/store/secret-store.js';
import { StoreUnavailableError } from '../../../../src/auth/store/store-unavailable-error.js';
import type { SecretStore } from '../../../../src/auth/store/types.js';

const keys = new EncryptionKeyring([{ id: 'k1', key: Buffer.alloc(32, 3) }]);
const stores: SecretStore[] = [];
function memoryStore(): SecretStore {
  const store = createSecretStore(createMemoryBackend(), { keys });
  stores.push(store);
  return store;
}
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(stores.splice(0).map((store) => store.close()));
});

/** Stops the clock the store reads expiry times from (Date, in Keyv too), so only advance() moves it. */
function stopTheClock(): (ms: number) => void {
  vi.useFakeTimers({ toFake: ['Date'] });
  return (ms) => vi.setSystemTime(Date.now() + ms);
}

describe('memory store', () => {
  it('gets what was set, and nothing after delete', async () => {
    const store = memoryStore();
    expect(store.kind).toBe('memory');
    expect(await store.get('a')).toBeUndefined();
    await store.set('a', { n: 1, s: 'x' });
    expect(await store.get('a')).toEqual({ n: 1, s: 'x' });
    expect(await store.delete('a')).toBe(true);
    expect(await store.delete('a')).toBe(false);
    expect(await store.get('a')).toBeUndefined();
  });

  it('forgets a value once its ttl has passed', async () => {
    const advance = stopTheClock();
    const store = memoryStore();
    await store.set('short', 'v', 40);
    await store.set('long', 'v', 60_000);
    expect(await store.get('short')).toBe('v');
    advance(41);
    expect(await store.get('short')).toBeUndefined();
    expect(await store.delete('short')).toBe(false);
    expect(await store.take('short')).toBeUndefined();
    expect(await store.get('long')).toBe('v');
  });

  it('take returns the value once and then it is gone', async () => {
    const store = memoryStore();
    await store.set('state:1', { verifier: 'v' });
    expect(await store.take('state:1')).toEqual({ verifier: 'v' });
    expect(await store.take('state:1')).toBeUndefined();
    expect(await store.get('state:1')).toBeUndefined();
  });

  it('gives the value to exactly one of 50 concurrent takers', async () => {
    const store = memoryStore();
    await store.set('state:1', 'once');
    const results = await Promise.all(Array.from({ length: 50 }, () => store.take<string>('state:1')));
    expect(results.filter((r) => r === 'once')).toHaveLength(1);
  });

  it('add sets only when absent (or expired), and exactly one of 50 concurrent adders wins', async () => {
    const advance = stopTheClock();
    const store = memoryStore();
    expect(await store.add('code:1', 'first', 40)).toBe(true);
    expect(await store.add('code:1', 'second')).toBe(false);
    expect(await store.get('code:1')).toBe('first');
    advance(41);
    expect(await store.add('code:1', 'third')).toBe(true);
    expect(await store.get('code:1')).toBe('third');
    const wins = await Promise.all(Array.from({ length: 50 }, (_, i) => store.add('code:2', i)));
    expect(wins.filter(Boolean)).toHaveLength(1);
  });

  it('rejects keys and ttls that would be silently wrong', async () => {
    const store = memoryStore();
    await expect(store.set('', 'v')).rejects.toThrow(TypeError);
    await expect(store.set('has space', 'v')).rejects.toThrow(TypeError);
    await expect(store.set('k', 'v', 0)).rejects.toThrow(RangeError);
    await expect(store.set('k', undefined)).rejects.toThrow(/JSON/);
  });

  it('runs withLock sections one at a time and passes their results through', async () => {
    const store = memoryStore();
    let inside = 0;
    let maxInside = 0;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.withLock('refresh:u1', { ttlMs: 5000, waitMs: 5000 }, async () => {
          inside++;
          maxInside = Math.max(maxInside, inside);
          await sleep(2);
          inside--;
          return i;
        }),
      ),
    );
    expect(maxInside).toBe(1);
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('releases the lock when the section throws', async () => {
    const store = memoryStore();
    const options = { ttlMs: 5000, waitMs: 100 };
    await expect(store.withLock('l', options, async () => Promise.reject(new Error('boom')))).rejects.toThrow(
      'boom',
    );
    expect(await store.withLock('l', options, async () => 'next')).toBe('next');
  });

  it('throws LockTimeoutError to a waiter that waits longer than waitMs', async () => {
    const store = memoryStore();
    let release = (): void => {};
    const holder = store.withLock(
      'l',
      { ttlMs: 5000, waitMs: 0 },
      () => new Promise<void>((r) => (release = r)),
    );
    await sleep(5);
    const waiter = store.withLock('l', { ttlMs: 5000, waitMs: 30 }, async () => 'never');
    await expect(waiter).rejects.toBeInstanceOf(LockTimeoutError);
    await expect(waiter).rejects.toThrow('lock "l" not acquired within 30 ms');
    release();
    await holder;
    expect(await store.withLock('l', { ttlMs: 5000, waitMs: 0 }, async () => 'free')).toBe('free');
  });

  it('lets a waiter take a lock whose holder died, once ttlMs has passed', async () => {
    const advance = stopTheClock();
    const backend = createMemoryBackend();
    const store = createSecretStore(backend, { keys });
    stores.push(store);
    // A holder in another process took the lock and died without releasing it.
    expect(await backend.acquireLock('cmcp:lock:l', 'dead-holder', 50)).toBe(true);
    // With the clock stopped a deadline passes only when the test moves it, so this waiter gives up at once.
    await expect(store.withLock('l', { ttlMs: 1000, waitMs: 0 }, async () => 'x')).rejects.toBeInstanceOf(
      LockTimeoutError,
    );
    const acquire = backend.acquireLock.bind(backend);
    let refused = (): void => {};
    const waiting = new Promise<void>((resolve) => {
      refused = resolve;
    });
    backend.acquireLock = async (...args) => {
      const taken = await acquire(...args);
      if (!taken) refused();
      return taken;
    };
    const waiter = store.withLock('l', { ttlMs: 1000, waitMs: 500 }, async () => 'after expiry');
    await waiting; // refused while the dead holder's ttl runs
    advance(50);
    expect(await waiter).toBe('after expiry');
  });

  it('fails every operation with StoreUnavailableError once closed', async () => {
    const store = memoryStore();
    await store.close();
    await expect(store.get('a')).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.withLock('l', { ttlMs: 1, waitMs: 1 }, async () => 1)).rejects.toThrow(
      'token store unavailable: the store is closed',
    );
  });
});
