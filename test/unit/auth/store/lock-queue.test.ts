import { afterEach, describe, expect, it, vi } from 'vitest';
import { LockCoordinator } from '../../../../src/auth/store/lock.js';
import { LockTimeoutError } from '../../../../src/auth/store/lock-timeout-error.js';
import { createMemoryBackend } from '../../../../src/auth/store/memory-backend.js';
import type { Backend } from '../../../../src/auth/store/types.js';

afterEach(() => {
  vi.useRealTimers();
});

/** A memory backend that counts the lock attempts it is asked for: each is a round trip to Redis in a fleet. */
function counting(): { backend: Backend; attempts: () => number } {
  const inner = createMemoryBackend();
  let attempts = 0;
  return {
    backend: {
      ...inner,
      acquireLock: (key, token, ttlMs) => {
        attempts++;
        return inner.acquireLock(key, token, ttlMs);
      },
    },
    attempts: () => attempts,
  };
}

/** Lets every pending callback and timer-free continuation run: several turns of the event loop. */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('callers of one lock in one process', () => {
  it('wait their turn in memory: while one holds the lock, none of the others asks the backend', async () => {
    const { backend, attempts } = counting();
    const locks = new LockCoordinator(backend, (name) => `lock:${name}`);
    let release = (): void => {};
    const order: number[] = [];
    const holder = locks.run('n', { ttlMs: 60_000, waitMs: 60_000 }, async () => {
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      order.push(0);
    });
    await settle();
    const waiters = [1, 2, 3, 4].map((i) =>
      locks.run('n', { ttlMs: 60_000, waitMs: 60_000 }, async () => {
        order.push(i);
      }),
    );
    await settle();
    expect(attempts()).toBe(1);
    release();
    await Promise.all([holder, ...waiters]);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    // Each then took the backend lock once, in turn: no polling.
    expect(attempts()).toBe(5);
  });

  it('give up in memory when their wait runs out, without a round trip to the backend', async () => {
    const { backend, attempts } = counting();
    const locks = new LockCoordinator(backend, (name) => `lock:${name}`);
    let release = (): void => {};
    const holder = locks.run(
      'n',
      { ttlMs: 60_000, waitMs: 0 },
      () => new Promise<void>((r) => (release = r)),
    );
    await settle();
    await expect(locks.run('n', { ttlMs: 60_000, waitMs: 0 }, async () => 'never')).rejects.toBeInstanceOf(
      LockTimeoutError,
    );
    expect(attempts()).toBe(1);
    release();
    await holder;
  });
});

describe('the memory backend', () => {
  it('ends a value exactly at its expiry for delete, take and add', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const start = Date.now();
    const backend = createMemoryBackend();
    await backend.set('a', 'v', 100);
    expect(await backend.add('b', 'v', 100)).toBe(true);
    vi.setSystemTime(start + 99);
    expect(await backend.get('a')).toBe('v');
    expect(await backend.take('b')).toBe('v');
    await backend.add('b', 'v', 1);
    vi.setSystemTime(start + 100);
    // (get goes through Keyv, which still counts a record live at the instant of its expiry: a millisecond apart.)
    expect(await backend.delete('a')).toBe(false);
    expect(await backend.add('a', 'again')).toBe(true);
    await backend.close();
  });

  it('holds nothing once closed', async () => {
    const backend = createMemoryBackend();
    await backend.set('a', 'v');
    await backend.acquireLock('l', 't', 60_000);
    await backend.close();
    expect(await backend.get('a')).toBeUndefined();
    expect(await backend.acquireLock('l', 'other', 60_000)).toBe(true);
  });
});
