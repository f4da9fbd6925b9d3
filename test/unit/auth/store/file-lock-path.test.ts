// A lock path that is not a file (a directory left there, say) is no lock anyone will release: taking the lock fails
// at once with a reason an operator can act on, rather than polling without a pause until the wait runs out and
// then blaming another process. The lock's own release tolerates the path changing under it.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openFileBackend } from '../../../../src/auth/store/file-backend.js';
import { withFileLock } from '../../../../src/auth/store/file-lock.js';
import { StoreUnavailableError } from '../../../../src/auth/store/store-unavailable-error.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cmcp-lock-path-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a lock path that is a directory', () => {
  it('fails the lock at once, saying the path must be a file, and runs nothing', async () => {
    const lock = join(dir, 'store.json.lock');
    await mkdir(lock);
    let ran = false;
    // The wait is far longer than the test's timeout: only failing at once passes.
    const taken = withFileLock(lock, 10 * 60_000, async () => {
      ran = true;
    });
    await expect(taken).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(taken).rejects.toThrow(
      /cannot read the store lock file .*store\.json\.lock \(EISDIR\): it must be a file or absent/,
    );
    expect(ran).toBe(false);
  });

  it('reaches a store write as a StoreUnavailableError and leaves the store file as it was', async () => {
    const file = join(dir, 'store.json');
    const backend = await openFileBackend(file, { lockWaitMs: 10 * 60_000 });
    try {
      await backend.set('a', 'kept', undefined);
      const before = await readFile(file, 'utf8');
      await mkdir(`${file}.lock`);
      await expect(backend.set('b', 'lost?', undefined)).rejects.toThrow(/must be a file or absent/);
      expect(await readFile(file, 'utf8')).toBe(before);
      await rm(`${file}.lock`, { recursive: true });
      await backend.set('b', 'now', undefined);
      expect(await backend.get('a')).toBe('kept');
      expect(await backend.get('b')).toBe('now');
    } finally {
      await backend.close();
    }
  });
});

describe('a lock whose path changes while held', () => {
  it("keeps fn's result when the lock file was replaced by a directory, and leaves the directory", async () => {
    const lock = join(dir, 'store.json.lock');
    const result = await withFileLock(lock, 1_000, async () => {
      await rm(lock);
      await mkdir(lock);
      return 'done';
    });
    expect(result).toBe('done');
    await expect(readFile(lock)).rejects.toMatchObject({ code: 'EISDIR' });
  });

  it("does not remove another holder's lock file that replaced ours", async () => {
    const lock = join(dir, 'store.json.lock');
    const theirs = JSON.stringify({ pid: process.pid, host: 'elsewhere', token: 'theirs' });
    await withFileLock(lock, 1_000, async () => {
      await writeFile(lock, theirs);
    });
    expect(await readFile(lock, 'utf8')).toBe(theirs);
  });
});
