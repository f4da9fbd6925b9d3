import { spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openFileBackend } from '../../../../src/auth/store/file-backend.js';
import { withFileLock } from '../../../../src/auth/store/file-lock.js';
import { StoreUnavailableError } from '../../../../src/auth/store/store-unavailable-error.js';

// The file backend and its lock file, below the secret store: what a second process, a crash or a clock sees.

let dir: string;
let path: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cmcp-file-backend-'));
  path = join(dir, 'store.json');
});
afterEach(async () => {
  vi.useRealTimers();
  await rm(dir, { recursive: true, force: true });
});

const open = (file = path, lockWaitMs = 2000) => openFileBackend(file, { lockWaitMs });
const stored = async () => JSON.parse(await readFile(path, 'utf8'));
/** Which file is at `path` and when it was last written, to the nanosecond: a rewrite changes it. */
const version = async () => {
  const info = await stat(path, { bigint: true });
  return `${info.ino}:${info.mtimeNs}:${info.ctimeNs}`;
};
/** A pid that no process has now: one that just exited. */
const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid as number;

describe('the file backend', () => {
  it('refuses a file that is JSON but not a store, whatever part is missing or wrong', async () => {
    for (const text of [
      '{}',
      '{"format":"confluence-mcp-store/1"}',
      '{"format":"confluence-mcp-store/1","values":{}}',
      '{"format":"confluence-mcp-store/1","locks":{}}',
      '{"format":"confluence-mcp-store/2","values":{},"locks":{}}',
    ]) {
      await writeFile(path, text);
      await expect(open(), text).rejects.toThrow(
        new StoreUnavailableError(`${path} is not a confluence-mcp store file (move it away to start over)`),
      );
    }
    await writeFile(path, '{"format":"confluence-mcp-store/1","values":{},"locks":{}}');
    await expect(open()).resolves.toMatchObject({ kind: 'file' });
  });

  it('says why it cannot read a store path that is not a file, or prepare one under a file', async () => {
    await mkdir(path);
    await expect(open()).rejects.toThrow(
      new StoreUnavailableError(`cannot read the store file ${path} (EISDIR)`),
    );
    await writeFile(join(dir, 'plain'), 'x');
    const under = join(dir, 'plain', 'sub', 'store.json');
    await expect(open(under)).rejects.toThrow(
      new StoreUnavailableError(`cannot prepare the store file ${under} (ENOTDIR)`),
    );
  });

  it('leaves the mode of a directory it did not create alone', async () => {
    await chmod(dir, 0o755);
    await open();
    expect((await stat(dir)).mode & 0o777).toBe(0o755);
    const made = join(dir, 'made', 'store.json');
    await open(made);
    expect((await stat(join(dir, 'made'))).mode & 0o777).toBe(0o700);
  });

  it('rewrites the file only when something changed', async () => {
    const backend = await open();
    await backend.add('a', 'x');
    await backend.acquireLock('l', 'mine', 60_000);
    const before = await version();
    // Each of these finds nothing to change: the file (replaced by rename on every write) is left as it was.
    expect(await backend.add('a', 'y')).toBe(false);
    expect(await backend.acquireLock('l', 'theirs', 60_000)).toBe(false);
    expect(await backend.releaseLock('l', 'theirs')).toBe(false);
    expect(await backend.releaseLock('missing', 'mine')).toBe(false);
    expect(await backend.take('missing')).toBeUndefined();
    expect(await version()).toBe(before);
    expect(await backend.releaseLock('l', 'mine')).toBe(true);
    expect(await version()).not.toBe(before);
    expect((await stored()).locks).toEqual({});
  });

  it('frees a lock only for the token that holds it', async () => {
    const backend = await open();
    expect(await backend.acquireLock('l', 'mine', 60_000)).toBe(true);
    expect(await backend.releaseLock('l', 'theirs')).toBe(false);
    expect((await stored()).locks.l.t).toBe('mine');
    expect(await backend.acquireLock('l', 'theirs', 60_000)).toBe(false);
    expect(await backend.releaseLock('l', 'mine')).toBe(true);
    expect(await backend.acquireLock('l', 'theirs', 60_000)).toBe(true);
  });

  it('ends a value and a lock exactly at their expiry, and drops both from the file at the next write', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const start = Date.now();
    const backend = await open();
    await backend.set('short', 'v', 100);
    await backend.add('added', 'v', 100);
    await backend.set('kept', 'v');
    await backend.acquireLock('lock-short', 't', 100);
    await backend.acquireLock('lock-long', 't', 60_000);
    vi.setSystemTime(start + 99);
    expect(await backend.get('short')).toBe('v');
    expect(await backend.get('added')).toBe('v');
    vi.setSystemTime(start + 100);
    expect(await backend.get('short')).toBeUndefined();
    expect(await backend.get('added')).toBeUndefined();
    expect(await backend.acquireLock('lock-long', 'other', 1000)).toBe(false);
    await backend.set('next', 'v');
    const data = await stored();
    expect(Object.keys(data.values).sort()).toEqual(['kept', 'next']);
    expect(Object.keys(data.locks)).toEqual(['lock-long']);
  });

  it('finishes the writes it was given before it closes', async () => {
    const backend = await open();
    const pending = [backend.set('a', '1'), backend.set('b', '2')];
    await backend.close();
    expect(Object.keys((await stored()).values).sort()).toEqual(['a', 'b']);
    await Promise.all(pending);
  });
});

describe('the store lock file', () => {
  const lock = () => `${path}.lock`;

  it('names its holder, so another process can tell whether it died', async () => {
    const inside = await withFileLock(lock(), 1000, async () => JSON.parse(await readFile(lock(), 'utf8')));
    expect(inside).toMatchObject({ pid: process.pid, host: hostname(), token: expect.any(String) });
    await expect(stat(lock())).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('breaks at once a lock whose holder on this host is gone, but not one from another host', async () => {
    const pid = deadPid();
    await writeFile(lock(), JSON.stringify({ pid, host: hostname(), token: 'x' }));
    await expect(withFileLock(lock(), 1000, async () => 'ran')).resolves.toBe('ran');
    // The same pid on another machine sharing the directory says nothing about that machine's processes.
    await writeFile(lock(), JSON.stringify({ pid, host: `not-${hostname()}`, token: 'x' }));
    await expect(withFileLock(lock(), 100, async () => 'ran')).rejects.toThrow(
      new StoreUnavailableError(`the store file is locked by another process (${lock()})`),
    );
  });

  it('breaks a lock held far too long (10 s), even by a live holder or one it cannot read', async () => {
    for (const text of [
      JSON.stringify({ pid: process.pid, host: hostname(), token: 'x' }),
      '{"pid": 1, "ho',
    ]) {
      await writeFile(lock(), text);
      const old = new Date(Date.now() - 11_000);
      await utimes(lock(), old, old);
      await expect(
        withFileLock(lock(), 1000, async () => 'ran'),
        text,
      ).resolves.toBe('ran');
    }
    // A torn lock file that is fresh is being written right now: it is waited for, not broken.
    await writeFile(lock(), '{"pid": 1, "ho');
    await expect(withFileLock(lock(), 100, async () => 'ran')).rejects.toThrow(/locked by another process/);
  });

  it('leaves a lock another holder took meanwhile, and copes with its own being removed', async () => {
    await withFileLock(lock(), 1000, async () => {
      // Judged stale elsewhere and taken over: ours is no longer the holder when the section ends.
      await writeFile(lock(), JSON.stringify({ pid: 1, host: 'elsewhere', token: 'theirs' }));
    });
    expect(JSON.parse(await readFile(lock(), 'utf8')).token).toBe('theirs');
    await unlink(lock());
    await expect(
      withFileLock(lock(), 1000, async () => {
        await unlink(lock());
        return 'ran';
      }),
    ).resolves.toBe('ran');
  });

  it('says why it cannot create the lock file at all', async () => {
    const missing = join(dir, 'no-such-dir', 'store.json.lock');
    await expect(withFileLock(missing, 1000, async () => 'ran')).rejects.toThrow(
      new StoreUnavailableError('cannot create the store lock file (ENOENT)'),
    );
  });
});
