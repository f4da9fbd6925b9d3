import { afterEach, describe, expect, it, vi } from 'vitest';
import { seal, unseal } from '../../../../src/auth/store/cipher.js';
import {
  EncryptionKeyring,
  openSecretStore,
  StoreUnavailableError,
  userKeyHash,
} from '../../../../src/auth/store/index.js';
import { backoffMs, LockCoordinator } from '../../../../src/auth/store/lock.js';
import { LockTimeoutError } from '../../../../src/auth/store/lock-timeout-error.js';
import { createMemoryBackend } from '../../../../src/auth/store/memory-backend.js';
import { createSecretStore } from '../../../../src/auth/store/secret-store.js';
import type { Backend, CorruptValueEvent } from '../../../../src/auth/store/types.js';
import { describeExpectedError } from '../../../../src/mcp/errors.js';

const keys = new EncryptionKeyring([{ id: 'k1', key: Buffer.alloc(32, 8) }]);

afterEach(() => {
  vi.restoreAllMocks();
});

describe('sealed values', () => {
  const good = () => seal(keys, 'aad', Buffer.from('secret'));
  const parts = () => good().split('.');

  it.each([
    ['four parts', () => parts().slice(0, 4).join('.')],
    ['six parts', () => [...parts(), 'x'].join('.')],
    ['another version', () => ['v2', ...parts().slice(1)].join('.')],
    [
      'a short IV',
      () =>
        parts()
          .map((p, i) => (i === 2 ? p.slice(0, 10) : p))
          .join('.'),
    ],
    [
      'a short tag',
      () =>
        parts()
          .map((p, i) => (i === 4 ? p.slice(0, 10) : p))
          .join('.'),
    ],
    ['empty parts', () => 'v1.k1...'],
    ['nothing', () => ''],
  ])('reads a value with %s as malformed', (_name, make) => {
    expect(unseal(keys, 'aad', make())).toEqual({ ok: false, reason: 'malformed' });
  });

  it('reads a value under an unknown key id as such, before looking at the rest', () => {
    expect(unseal(keys, 'aad', 'v1.k9.x.y.z')).toEqual({ ok: false, reason: 'unknown-key-id' });
  });

  it('reads back exactly what was sealed under the same additional data, and nothing under another', () => {
    const envelope = seal(keys, 'cmcp:kv:ü', Buffer.from('päss'));
    expect(unseal(keys, 'cmcp:kv:ü', envelope)).toEqual({ ok: true, plaintext: Buffer.from('päss') });
    expect(unseal(keys, 'cmcp:kv:u', envelope)).toEqual({ ok: false, reason: 'authentication-failed' });
  });
});

describe('secret store checks', () => {
  const store = (backend: Backend = createMemoryBackend(), onCorrupt?: (e: CorruptValueEvent) => void) =>
    createSecretStore(backend, { keys, ...(onCorrupt ? { onCorrupt } : {}) });

  it('takes keys of up to 512 characters and names what is wrong with others', async () => {
    const s = store();
    await s.set('k'.repeat(512), 1);
    expect(await s.get('k'.repeat(512))).toBe(1);
    await expect(s.set('k'.repeat(513), 1)).rejects.toThrow(
      new TypeError('store key must be a non-empty string of at most 512 characters'),
    );
    await expect(s.get('a\tb')).rejects.toThrow(
      new TypeError('store key must not contain spaces or control characters'),
    );
    await expect(s.withLock('a b', { ttlMs: 10, waitMs: 0 }, async () => 1)).rejects.toThrow(
      new TypeError('lock name must not contain spaces or control characters'),
    );
    await expect(s.set('k', 1, -1)).rejects.toThrow(
      new RangeError('ttlMs must be a positive number of milliseconds'),
    );
    await expect(s.set('k', 1, Number.POSITIVE_INFINITY)).rejects.toThrow(RangeError);
    // A key that is not a string at all (a caller bypassing the types) is refused, not stringified.
    await expect(s.set(42 as unknown as string, 1)).rejects.toThrow(
      new TypeError('store key must be a non-empty string of at most 512 characters'),
    );
  });

  it('stores text as UTF-8', async () => {
    const s = store();
    await s.set('k', { name: 'Zoë 🙂' });
    expect(await s.get('k')).toEqual({ name: 'Zoë 🙂' });
  });

  it('treats a value that decrypts to something other than JSON as absent, and reports it as malformed', async () => {
    const backend = createMemoryBackend();
    const events: CorruptValueEvent[] = [];
    const s = store(backend, (e) => events.push(e));
    await backend.set('cmcp:kv:k', seal(keys, 'cmcp:kv:k', Buffer.from('{not json')));
    expect(await s.get('k')).toBeUndefined();
    expect(events).toEqual([{ key: 'k', reason: 'malformed' }]);
  });

  it('treats corrupt values as absent when no one listens for them', async () => {
    const backend = createMemoryBackend();
    const s = store(backend);
    await backend.set('cmcp:kv:a', 'garbage');
    await backend.set('cmcp:kv:b', seal(keys, 'cmcp:kv:b', Buffer.from('{not json')));
    expect(await s.get('a')).toBeUndefined();
    expect(await s.get('b')).toBeUndefined();
  });

  it('closes its backend once, however often it is closed', async () => {
    const backend = createMemoryBackend();
    const close = vi.spyOn(backend, 'close');
    const s = store(backend);
    await s.close();
    await s.close();
    expect(close).toHaveBeenCalledTimes(1);
    await expect(s.get('k')).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});

describe('locks', () => {
  const coordinator = (backend: Backend = createMemoryBackend()) =>
    new LockCoordinator(backend, (n) => `lock:${n}`);

  it('refuses a lock without a positive lifetime or with a negative wait', async () => {
    const locks = coordinator();
    for (const ttlMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expect(locks.run('n', { ttlMs, waitMs: 0 }, async () => 1)).rejects.toThrow(
        new RangeError('withLock needs ttlMs > 0'),
      );
    }
    for (const waitMs of [-1, Number.NaN]) {
      await expect(locks.run('n', { ttlMs: 10, waitMs }, async () => 1)).rejects.toThrow(
        new RangeError('withLock needs waitMs >= 0'),
      );
    }
  });

  it('takes a free lock even when it will not wait at all', async () => {
    await expect(coordinator().run('n', { ttlMs: 1000, waitMs: 0 }, async () => 'ran')).resolves.toBe('ran');
  });

  it('gives up at once when another caller here holds the lock and it will not wait', async () => {
    const locks = coordinator();
    let release = (): void => {};
    const held = locks.run('n', { ttlMs: 1000, waitMs: 0 }, () => new Promise<void>((r) => (release = r)));
    await expect(locks.run('n', { ttlMs: 1000, waitMs: 0 }, async () => 'second')).rejects.toMatchObject({
      name: 'LockTimeoutError',
    });
    release();
    await held;
    // Once everyone has left, the lock is free again at once.
    await expect(locks.run('n', { ttlMs: 1000, waitMs: 0 }, async () => 'third')).resolves.toBe('third');
  });

  it('tells the agent to retry shortly when a lock is not had in time', () => {
    const error = new LockTimeoutError('refresh:x', 250);
    expect(error.name).toBe('LockTimeoutError');
    expect(error).toMatchObject({ kind: 'busy', service: 'token-store', lockName: 'refresh:x', waitMs: 250 });
    expect(describeExpectedError(error)).toBe(
      'Your Confluence connection is being renewed by another request that is taking long. Retry in a few seconds.',
    );
  });

  it('gives up at once when another process holds the lock and it will not wait', async () => {
    const backend = createMemoryBackend();
    await backend.acquireLock('lock:n', 'someone-else', 60_000);
    await expect(
      coordinator(backend).run('n', { ttlMs: 1000, waitMs: 0 }, async () => 1),
    ).rejects.toMatchObject({
      name: 'LockTimeoutError',
    });
  });

  it('returns the section’s result even when releasing the lock fails', async () => {
    const backend = createMemoryBackend();
    backend.releaseLock = async () => {
      throw new Error('store down');
    };
    await expect(coordinator(backend).run('n', { ttlMs: 1000, waitMs: 0 }, async () => 'kept')).resolves.toBe(
      'kept',
    );
  });

  it('frees only a lock it holds', async () => {
    const backend = createMemoryBackend();
    expect(await backend.releaseLock('lock:none', 't')).toBe(false);
    expect(await backend.acquireLock('lock:n', 'mine', 60_000)).toBe(true);
    expect(await backend.releaseLock('lock:n', 'theirs')).toBe(false);
    expect(await backend.acquireLock('lock:n', 'theirs', 60_000)).toBe(false);
    expect(await backend.releaseLock('lock:n', 'mine')).toBe(true);
    expect(await backend.acquireLock('lock:n', 'theirs', 60_000)).toBe(true);
  });

  it('backs off exponentially from the first wait to the cap, jittered by half either way, never below 1 ms', () => {
    const random = vi.spyOn(Math, 'random');
    random.mockReturnValue(0.5);
    expect([0, 1, 2, 3, 4, 5, 10].map((attempt) => backoffMs(attempt))).toEqual([
      10, 20, 40, 80, 160, 250, 250,
    ]);
    expect(backoffMs(3, 2, 50)).toBe(16);
    random.mockReturnValue(0);
    expect(backoffMs(2)).toBe(20);
    expect(backoffMs(0, 1)).toBe(1);
    random.mockReturnValue(0.999999);
    expect(backoffMs(2)).toBe(60);
  });
});

describe('user key hashes and store URLs', () => {
  it('refuses an empty user key and a short secret, saying so', () => {
    expect(() => userKeyHash('')).toThrow(new TypeError('userKeyHash needs a non-empty user key'));
    expect(() => userKeyHash('u', new Uint8Array(15))).toThrow(
      'userKeyHash needs a secret of at least 16 bytes',
    );
  });

  it('hashes the user key as UTF-8', () => {
    expect(userKeyHash('zoë')).toBe('J1K4hoaEf6XIb0e5TOZSt7PyKpHDdhfUUaTbmvpDFFA');
    expect(userKeyHash('zoë', new Uint8Array(16).fill(1))).toBe(
      userKeyHash('zoë', new Uint8Array(16).fill(1)),
    );
    expect(userKeyHash('zoë', new Uint8Array(16).fill(1))).not.toBe(
      userKeyHash('zoe', new Uint8Array(16).fill(1)),
    );
  });

  it('refuses a URL whose scheme is not at its start', async () => {
    await expect(openSecretStore(' memory://', { keys })).rejects.toThrow(/^unsupported token store URL/);
    await expect(openSecretStore('x memory://', { keys })).rejects.toThrow(/^unsupported token store URL/);
  });

  it.each(['rediss://127.0.0.1:1', 'rediss+cluster://127.0.0.1:1', 'REDIS://127.0.0.1:1'])(
    'opens %s as Redis, and says Redis is unavailable when nothing answers',
    async (url) => {
      await expect(openSecretStore(url, { keys, connectTimeoutMs: 300 })).rejects.toBeInstanceOf(
        StoreUnavailableError,
      );
    },
  );
});
