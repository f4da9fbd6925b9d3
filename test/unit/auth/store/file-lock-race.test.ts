// The lock file can vanish between a waiter failing to create it and reading who holds it: the holder let go in
// between. That reads as "released, try again", never as an unreadable lock. The race is made certain here by a
// readFile that lets the holder go just before it reads.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const released = vi.hoisted(() => ({ paths: new Set<string>() }));

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...real,
    readFile: (async (path: string, options?: unknown) => {
      if (released.paths.delete(path)) await real.unlink(path);
      return real.readFile(path, options as BufferEncoding);
    }) as typeof real.readFile,
  };
});

const { withFileLock } = await import('../../../../src/auth/store/file-lock.js');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cmcp-lock-race-'));
});
afterEach(async () => {
  released.paths.clear();
  await rm(dir, { recursive: true, force: true });
});

describe('a lock released between a waiter seeing it and reading its holder', () => {
  it('is taken on the next try, and fn runs once', async () => {
    const lock = join(dir, 'store.json.lock');
    // A live holder: this very process under another token, so neither dead nor stale.
    await writeFile(lock, JSON.stringify({ pid: process.pid, host: hostname(), token: 'theirs' }));
    released.paths.add(lock);
    let runs = 0;
    const result = await withFileLock(lock, 60_000, async () => {
      runs++;
      return 'ran';
    });
    expect(result).toBe('ran');
    expect(runs).toBe(1);
    expect(released.paths.has(lock)).toBe(false); // the release happened, on the waiter's read
  });
});
