// A lock file's holder is judged gone only when the system says no such process exists: a holder whose pid cannot
// be asked about (not a number, or, for another user, not ours to signal) is waited for. A store directory made
// here is the owner's to use whatever the umask.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { isMainThread } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openFileBackend } from '../../../../src/auth/store/file-backend.js';
import { withFileLock } from '../../../../src/auth/store/file-lock.js';

const run = promisify(execFile);
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cmcp-lock-holders-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a fresh lock file', () => {
  it('is waited for when its holder on this host names no pid the system can be asked about', async () => {
    const lock = join(dir, 'store.json.lock');
    for (const pid of [null, 1.5, 'x']) {
      await writeFile(lock, JSON.stringify({ pid, host: hostname(), token: 'theirs' }));
      await expect(withFileLock(lock, 300, async () => 'ran')).rejects.toThrow(/locked by another process/);
    }
  });
});

describe('a store directory made here', () => {
  it('is readable, writable and searchable by its owner even under a umask that clears owner bits', async () => {
    const file = join(dir, 'fresh', 'store.json');
    if (isMainThread) {
      const previous = process.umask(0o277);
      try {
        const backend = await openFileBackend(file, { lockWaitMs: 1_000 });
        await backend.close();
      } finally {
        process.umask(previous);
      }
    } else {
      // A worker thread (Stryker runs the tests in them) cannot set the umask: a child process opens the store.
      const module = new URL('../../../../src/auth/store/file-backend.ts', import.meta.url).href;
      const register = new URL('../../../support/ts-register.mjs', import.meta.url).href;
      const script = `process.umask(0o277); const { openFileBackend } = await import(${JSON.stringify(module)}); await (await openFileBackend(${JSON.stringify(file)}, { lockWaitMs: 1000 })).close();`;
      await run(process.execPath, ['--import', register, '--input-type=module', '-e', script]);
    }
    expect((await stat(join(dir, 'fresh'))).mode & 0o777).toBe(0o700);
  });
});
