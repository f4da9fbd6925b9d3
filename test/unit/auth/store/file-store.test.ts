import { spawnSync } from 'node:child_process';
import { type FileHandle, mkdtemp, open, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openFileBackend } from '../../../../src/auth/store/file-backend.js';
import { EncryptionKeyring } from '../../../../src/auth/store/keys.js';
import { createSecretStore } from '../../../../src/auth/store/secret-store.js';
import { StoreUnavailableError } from '../../../../src/auth/store/store-unavailable-error.js';
import type { SecretStore } from '../../../../src/auth/store/types.js';

const keys = new EncryptionKeyring([{ id: 'k1', key: Buffer.alloc(32, 5) }]);
const secret = { refreshToken: 'rt-FAKE-FILE-SECRET' };

let dir: string;
let path: string;
const stores: SecretStore[] = [];

async function fileStore(file = path, lockWaitMs = 5000): Promise<SecretStore> {
  const store = createSecretStore(await openFileBackend(file, { lockWaitMs }), { keys });
  stores.push(store);
  return store;
}

/** Everything in an open file, read from its start. */
async function readWhole(handle: FileHandle): Promise<string> {
  const { size } = await handle.stat();
  const buffer = Buffer.alloc(size);
  const { bytesRead } = await handle.read(buffer, 0, size, 0);
  return buffer.subarray(0, bytesRead).toString('utf8');
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cmcp-file-store-'));
  path = join(dir, 'state', 'store.json');
});
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(stores.splice(0).map((store) => store.close()));
  await rm(dir, { recursive: true, force: true });
});

describe('file store', () => {
  it('creates its directory 0700 and its file 0600, holding only ciphertext', async () => {
    const store = await fileStore();
    expect(store.kind).toBe('file');
    await store.set('conn:u1', secret);
    expect((await stat(join(dir, 'state'))).mode & 0o777).toBe(0o700);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const text = await readFile(path, 'utf8');
    expect(text).toContain('cmcp:kv:conn:u1');
    expect(text).not.toContain('FAKE');
  });

  it('tightens an existing store file that others could read', async () => {
    await (await fileStore()).set('a', 1);
    await writeFile(path, await readFile(path), { mode: 0o644 });
    const { chmod } = await import('node:fs/promises');
    await chmod(path, 0o644);
    await fileStore();
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('keeps a login across a restart (reopening the file)', async () => {
    const first = await fileStore();
    await first.set('conn:u1', secret);
    await first.close();
    const second = await fileStore();
    expect(await second.get('conn:u1')).toEqual(secret);
  });

  it('honours expiry, and drops expired records from the file on the next write', async () => {
    // The clock stands still, however long the file writes take, and moves only when told to.
    vi.useFakeTimers({ toFake: ['Date'] });
    const store = await fileStore();
    await store.set('state:1', 'short', 40);
    await store.set('conn:u1', secret);
    expect(await store.get('state:1')).toBe('short');
    vi.setSystemTime(Date.now() + 41);
    expect(await store.get('state:1')).toBeUndefined();
    expect(await store.take('state:1')).toBeUndefined();
    expect(await store.add('state:1', 'again')).toBe(true);
    await store.delete('state:1');
    expect(await readFile(path, 'utf8')).not.toContain('state:1');
  });

  it('add and take keep their contract', async () => {
    const store = await fileStore();
    expect(await store.add('code:1', 'first')).toBe(true);
    expect(await store.add('code:1', 'second')).toBe(false);
    expect(await store.take('code:1')).toBe('first');
    expect(await store.take('code:1')).toBeUndefined();
    expect(await store.delete('code:1')).toBe(false);
  });

  it('gives the value to exactly one of 20 takers spread over two store instances on the same file', async () => {
    const a = await fileStore();
    const b = await fileStore();
    for (let round = 0; round < 5; round++) {
      await a.set(`state:${round}`, `value-${round}`);
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).take<string>(`state:${round}`)),
      );
      expect(results.filter((r) => r === `value-${round}`)).toHaveLength(1);
    }
  });

  it('loses no write when two store instances write the same file at once', async () => {
    const a = await fileStore();
    const b = await fileStore();
    await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).set(`k:${i}`, i)));
    const reopened = await fileStore();
    const values = await Promise.all(Array.from({ length: 30 }, (_, i) => reopened.get(`k:${i}`)));
    expect(values).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });

  it('replaces the file atomically: a reader never sees a partial file, and no temporary file is left', async () => {
    const store = await fileStore();
    await store.set('big:0', 'first');
    const big = 'x'.repeat(200_000);
    let reads = 0;
    // Each write is watched by two readers: one that opened the file before the write began and reads it again and
    // again until the write is done, and one that opens it anew each time. Neither may ever see a partial file, and
    // the first must keep reading the old version whole: a file rewritten in place would change under it.
    for (let i = 1; i <= 8; i++) {
      const before = await readFile(path, 'utf8');
      const opened = await open(path, 'r');
      try {
        let done = false;
        const write = store.set(`big:${i % 3}`, `${big}${i}`).finally(() => {
          done = true;
        });
        do {
          expect(await readWhole(opened)).toBe(before);
          const now = await readFile(path, 'utf8');
          expect(() => JSON.parse(now)).not.toThrow();
          reads++;
        } while (!done);
        await write;
        expect(await readWhole(opened)).toBe(before);
        expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ values: expect.any(Object) });
      } finally {
        await opened.close();
      }
    }
    expect(reads).toBeGreaterThan(0);
    expect((await readdir(join(dir, 'state'))).sort()).toEqual(['store.json']);
  }, 30_000);

  it('runs withLock sections of two store instances one at a time', async () => {
    const a = await fileStore();
    const b = await fileStore();
    let inside = 0;
    let maxInside = 0;
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 ? a : b).withLock('refresh:u1', { ttlMs: 5000, waitMs: 10_000 }, async () => {
          inside++;
          maxInside = Math.max(maxInside, inside);
          await sleep(5);
          inside--;
        }),
      ),
    );
    expect(maxInside).toBe(1);
  });

  it('breaks a lock file left by a process that died', async () => {
    await fileStore();
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    await writeFile(`${path}.lock`, JSON.stringify({ pid: dead, host: hostname(), token: 'x' }));
    const store = await fileStore(path, 500);
    await store.set('after-crash', 1);
    expect(await store.get('after-crash')).toBe(1);
  });

  it('fails with StoreUnavailableError when another live process holds the file too long', async () => {
    const store = await fileStore(path, 100);
    await writeFile(`${path}.lock`, JSON.stringify({ pid: process.ppid, host: hostname(), token: 'x' }));
    await expect(store.set('a', 1)).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.set('a', 1)).rejects.toThrow(/locked by another process/);
  });

  it('refuses to open a file that is not a store, leaving it untouched', async () => {
    const other = join(dir, 'notes.json');
    await writeFile(other, '{"something": "else"}');
    await expect(fileStore(other)).rejects.toThrow(/not a confluence-mcp store file/);
    expect(await readFile(other, 'utf8')).toBe('{"something": "else"}');
  });
});
