import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { withFileLock } from './file-lock.js';
import { StoreUnavailableError } from './store-unavailable-error.js';
import type { Backend } from './types.js';

const FORMAT = 'confluence-mcp-store/1';

interface FileData {
  format: typeof FORMAT;
  /** Sealed values by full key; `e` is the expiry time in epoch ms. */
  values: Record<string, { v: string; e?: number }>;
  locks: Record<string, { t: string; e: number }>;
}

const empty = (): FileData => ({ format: FORMAT, values: {}, locks: {} });
const errno = (error: unknown): string => (error as NodeJS.ErrnoException).code ?? 'unknown error';

async function readData(path: string): Promise<FileData> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (errno(error) === 'ENOENT') return empty();
    throw new StoreUnavailableError(`cannot read the store file ${path} (${errno(error)})`);
  }
  try {
    const data = JSON.parse(text) as Partial<FileData>;
    if (data.format === FORMAT && typeof data.values === 'object' && typeof data.locks === 'object') {
      return data as FileData;
    }
  } catch {
    // reported below
  }
  throw new StoreUnavailableError(`${path} is not a confluence-mcp store file (move it away to start over)`);
}

/** Writes a temporary file beside `path` (mode 0600, flushed) and renames it over `path`: readers see all or none. */
async function writeAtomically(path: string, text: string): Promise<void> {
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const handle = await open(temporary, 'wx', 0o600);
    try {
      await handle.chmod(0o600);
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => {});
    throw new StoreUnavailableError(`cannot write the store file ${path} (${errno(error)})`);
  }
  // Flush the directory entry too, so the rename survives a power cut; not every platform allows it.
  const directory = await open(dirname(path), 'r').catch(() => undefined);
  await directory?.sync().catch(() => {});
  await directory?.close();
}

function prune(data: FileData, now: number): void {
  for (const [key, record] of Object.entries(data.values))
    if (record.e !== undefined && record.e <= now) delete data.values[key];
  for (const [key, lock] of Object.entries(data.locks)) if (lock.e <= now) delete data.locks[key];
}

const live = (record: { e?: number } | undefined, now = Date.now()): boolean =>
  record !== undefined && (record.e === undefined || record.e > now);

/**
 * The stdio user's store: one JSON file (mode 0600, its directory 0700 when created here) holding sealed values,
 * so a login survives restarts. Not a Keyv adapter: Keyv's adapter contract has no read-and-delete or
 * set-if-absent, and every change here must be one read-modify-write under a lock file shared with other
 * processes anyway. Reads take no lock: writes replace the file by rename, so a reader never sees half of one.
 */
export async function openFileBackend(path: string, options: { lockWaitMs: number }): Promise<Backend> {
  const directory = dirname(path);
  try {
    const created = await mkdir(directory, { recursive: true, mode: 0o700 });
    if (created !== undefined) await chmod(directory, 0o700);
    const info = await stat(path).catch(() => undefined);
    if (info && (info.mode & 0o077) !== 0) await chmod(path, 0o600);
  } catch (error) {
    throw new StoreUnavailableError(`cannot prepare the store file ${path} (${errno(error)})`);
  }
  await readData(path); // fail at open, not at first use, on a file that is not ours
  const lockPath = `${path}.lock`;

  // Changes from this process queue here rather than contend for the lock file among themselves.
  let queue: Promise<unknown> = Promise.resolve();
  const change = <T>(fn: (data: FileData, now: number) => { result: T; changed: boolean }): Promise<T> => {
    const run = queue.then(() =>
      withFileLock(lockPath, options.lockWaitMs, async () => {
        const data = await readData(path);
        const now = Date.now();
        const { result, changed } = fn(data, now);
        if (changed) {
          prune(data, now);
          await writeAtomically(path, `${JSON.stringify(data)}\n`);
        }
        return result;
      }),
    );
    queue = run.catch(() => {});
    return run;
  };

  return {
    kind: 'file',
    async get(key) {
      const record = (await readData(path)).values[key];
      return live(record) ? record?.v : undefined;
    },
    set: (key, value, ttlMs) =>
      change((data, now) => {
        data.values[key] = ttlMs === undefined ? { v: value } : { v: value, e: now + ttlMs };
        return { result: undefined, changed: true };
      }),
    delete: (key) =>
      change((data, now) => {
        const existed = live(data.values[key], now);
        const changed = key in data.values;
        delete data.values[key];
        return { result: existed, changed };
      }),
    take: (key) =>
      change((data, now) => {
        const record = data.values[key];
        delete data.values[key];
        return { result: live(record, now) ? record?.v : undefined, changed: record !== undefined };
      }),
    add: (key, value, ttlMs) =>
      change((data, now) => {
        if (live(data.values[key], now)) return { result: false, changed: false };
        data.values[key] = ttlMs === undefined ? { v: value } : { v: value, e: now + ttlMs };
        return { result: true, changed: true };
      }),
    acquireLock: (key, token, ttlMs) =>
      change((data, now) => {
        if (live(data.locks[key], now)) return { result: false, changed: false };
        data.locks[key] = { t: token, e: now + ttlMs };
        return { result: true, changed: true };
      }),
    releaseLock: (key, token) =>
      change((data) => {
        if (data.locks[key]?.t !== token) return { result: false, changed: false };
        delete data.locks[key];
        return { result: true, changed: true };
      }),
    async close() {
      await queue;
    },
  };
}
