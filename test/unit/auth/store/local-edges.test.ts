// Promises of the store's local parts that only show over time or in the process's own resources: the memory
// backend's sweep keeps what is live, the lock queue stays in memory for a caller who arrives while the second
// holder runs, a waiter polls with backoff and leaves no timer behind, and the file backend reports a failed
// write, closes what it opens and leaves a private file's mode alone.
import { readdirSync } from 'node:fs';
import { chmod, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openFileBackend } from '../../../../src/auth/store/file-backend.js';
import { withFileLock } from '../../../../src/auth/store/file-lock.js';
import { LockCoordinator } from '../../../../src/auth/store/lock.js';
import { LockTimeoutError } from '../../../../src/auth/store/lock-timeout-error.js';
import { createMemoryBackend } from '../../../../src/auth/store/memory-backend.js';
import type { Backend } from '../../../../src/auth/store/types.js';

afterEach(() => {
  vi.useRealTimers();
});

/** A memory backend that counts lock attempts. */
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

/** A promise and the function that settles it. */
function gate() {
  let open = (): void => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;

describe('the memory backend’s sweep', () => {
  it('drops only what has expired: a live value and a live lock outlast it', async () => {
    vi.useFakeTimers();
    const backend = createMemoryBackend();
    await backend.set('kept', 'v');
    await backend.set('brief', 'v', 1_000);
    expect(await backend.acquireLock('lock', 'holder', 600_000)).toBe(true);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(await backend.get('kept')).toBe('v');
    expect(await backend.get('brief')).toBeUndefined();
    expect(await backend.acquireLock('lock', 'someone-else', 1_000)).toBe(false);
    await backend.close();
  });
});

describe('named locks', () => {
  it('keeps a caller who arrives while the second holder runs queued in memory, asking the backend nothing', async () => {
    const { backend, attempts } = counting();
    const locks = new LockCoordinator(backend, (name) => `lock:${name}`);
    const options = { ttlMs: 10_000, waitMs: 10_000 };
    const a = gate();
    const b = gate();
    const bInside = gate();
    const first = locks.run('x', options, () => a.opened);
    const second = locks.run('x', options, async () => {
      bInside.open();
      await b.opened;
    });
    a.open();
    await first;
    await bInside.opened;
    const before = attempts();
    const third = locks.run('x', options, async () => 'third');
    for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(attempts()).toBe(before);
    b.open();
    await second;
    expect(await third).toBe('third');
    expect(attempts()).toBe(before + 1);
  });

  it('polls a lock held elsewhere with backoff, a few times in 300 ms, not hundreds', async () => {
    const { backend, attempts } = counting();
    const elsewhere = new LockCoordinator(backend, (name) => `lock:${name}`);
    const here = new LockCoordinator(backend, (name) => `lock:${name}`);
    const held = gate();
    const holder = elsewhere.run('x', { ttlMs: 60_000, waitMs: 0 }, () => held.opened);
    const start = attempts();
    await expect(here.run('x', { ttlMs: 1_000, waitMs: 300 }, async () => {})).rejects.toBeInstanceOf(
      LockTimeoutError,
    );
    // Backoff from 10 ms doubling (with jitter) fits about 5 to 8 attempts in 300 ms.
    expect(attempts() - start).toBeLessThan(30);
    held.open();
    await holder;
  });

  it('leaves no timer behind a lock taken at once, however long it was willing to wait', async () => {
    const locks = new LockCoordinator(createMemoryBackend(), (name) => `lock:${name}`);
    const before = timers();
    for (let i = 0; i < 5; i++) await locks.run(`x${i}`, { ttlMs: 1_000, waitMs: 60_000 }, async () => {});
    expect(timers()).toBeLessThanOrEqual(before);
  });
});

describe('the file backend', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cmcp-local-edges-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const openFiles = () => readdirSync('/proc/self/fd').length;

  it('reports a write that fails, and does not claim it stored anything', async () => {
    // A name this long leaves no room for the temporary file beside it (names end at 255 bytes).
    const path = join(dir, `${'s'.repeat(240)}.json`);
    const backend = await openFileBackend(path, { lockWaitMs: 2_000 });
    await expect(backend.set('k', 'v')).rejects.toThrow(
      /^token store unavailable: cannot write the store file .*\(ENAMETOOLONG\)$/,
    );
    expect(await backend.get('k')).toBeUndefined();
    await backend.close();
  });

  it.runIf(process.platform === 'linux')(
    'closes every file it opens, for writes and for its lock file',
    async () => {
      const path = join(dir, 'store.json');
      const backend = await openFileBackend(path, { lockWaitMs: 2_000 });
      await backend.set('warm-up', 'v');
      const before = openFiles();
      for (let i = 0; i < 30; i++) await backend.set(`k${i}`, 'v');
      for (let i = 0; i < 30; i++) await withFileLock(join(dir, 'other.lock'), 1_000, async () => {});
      expect(openFiles() - before).toBeLessThan(5);
      await backend.close();
    },
  );

  it('leaves the mode of a store file that is already private alone', async () => {
    const path = join(dir, 'store.json');
    await writeFile(path, JSON.stringify({ format: 'confluence-mcp-store/1', values: {}, locks: {} }));
    await chmod(path, 0o400);
    const backend = await openFileBackend(path, { lockWaitMs: 2_000 });
    expect((await stat(path)).mode & 0o777).toBe(0o400);
    await backend.close();
  });
});
