import type { FileHandle } from 'node:fs/promises';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openFileBackend } from '../../../../src/auth/store/file-backend.js';

// After the rename, the file backend flushes the directory entry so the new file survives a power cut. Not every
// platform lets a process open a directory (Windows refuses with EISDIR or EPERM), and not every file system can sync
// one (EINVAL on some network and FUSE mounts). The write has already happened by then: it must still count.

const platform = vi.hoisted(() => ({
  /** The directory whose opening or syncing fails, and how. */
  directory: undefined as string | undefined,
  refuse: 'none' as 'none' | 'open' | 'sync',
  closed: 0,
}));

vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  const failure = (code: string) => Object.assign(new Error(`${code}: simulated`), { code });
  const open: typeof actual.open = async (path, flags, mode) => {
    if (platform.directory === undefined || String(path) !== platform.directory || platform.refuse === 'none')
      return actual.open(path, flags, mode);
    if (platform.refuse === 'open') throw failure('EISDIR');
    const handle = await actual.open(path, flags, mode);
    return new Proxy(handle, {
      get(target, property) {
        if (property === 'sync') return () => Promise.reject(failure('EINVAL'));
        if (property === 'close')
          return () => {
            platform.closed++;
            return target.close();
          };
        const value = Reflect.get(target, property, target) as unknown;
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    }) as FileHandle;
  };
  return { ...actual, open, default: { ...actual, open } };
});

let dir: string;
let path: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cmcp-file-directory-'));
  path = join(dir, 'store.json');
  platform.directory = dir;
  platform.closed = 0;
});
afterEach(async () => {
  platform.refuse = 'none';
  await rm(dir, { recursive: true, force: true });
});

describe('the file backend where the directory cannot be flushed', () => {
  it('keeps every change on a platform that will not open a directory', async () => {
    platform.refuse = 'open';
    const backend = await openFileBackend(path, { lockWaitMs: 2000 });
    await expect(backend.set('k', 'v')).resolves.toBeUndefined();
    await expect(backend.add('k2', 'w')).resolves.toBe(true);
    await expect(backend.delete('k')).resolves.toBe(true);
    expect(await backend.get('k2')).toBe('w');
    expect(JSON.parse(await readFile(path, 'utf8')).values).toEqual({ k2: { v: 'w' } });
    await backend.close();
  });

  it('keeps the change and closes the directory when the file system cannot sync it', async () => {
    platform.refuse = 'sync';
    const backend = await openFileBackend(path, { lockWaitMs: 2000 });
    await expect(backend.set('k', 'v')).resolves.toBeUndefined();
    await expect(backend.set('k', 'v2')).resolves.toBeUndefined();
    expect(await backend.get('k')).toBe('v2');
    expect(platform.closed).toBe(2); // one directory handle per write, none left open
    await backend.close();
  });
});
