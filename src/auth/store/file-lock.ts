import { randomBytes } from 'node:crypto';
import { open, readFile, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { backoffMs } from './lock.js';
import { StoreUnavailableError } from './store-unavailable-error.js';

/** A lock file older than this is from a holder that died: a read-modify-write of the store takes milliseconds. */
const STALE_MS = 10_000;

interface Holder {
  pid: number;
  host: string;
  token: string;
}

/**
 * The lock file's holder; undefined when there is no lock file (released meanwhile). A lock path that cannot be read
 * (a directory, say) is not a lock anyone will release: waiting for it would only spin until the deadline.
 */
async function readHolder(path: string): Promise<{ text: string; holder?: Holder } | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new StoreUnavailableError(
      `cannot read the store lock file ${path} (${code}): it must be a file or absent`,
    );
  }
  try {
    return { text, holder: JSON.parse(text) as Holder };
  } catch {
    return { text }; // being written right now, or torn by a crash
  }
}

function processIsGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Removes the lock file if its holder died (gone from this host, or holding far too long); true when removed. */
async function breakIfStale(path: string): Promise<boolean> {
  const seen = await readHolder(path);
  if (!seen) return true; // released meanwhile: try again
  const info = await stat(path).catch(() => undefined);
  if (!info) return true;
  const { holder } = seen;
  const dead = holder?.host === hostname() && holder.pid !== process.pid && processIsGone(holder.pid);
  if (!dead && Date.now() - info.mtimeMs < STALE_MS) return false;
  // Only remove the very lock judged stale: if it changed hands meanwhile, leave it alone.
  const again = await readHolder(path);
  if (again?.text !== seen.text) return again === undefined;
  await unlink(path).catch(() => {});
  return true;
}

/**
 * Runs fn while holding `<path>` as an exclusive lock file (created with O_EXCL, so one holder across every process
 * on the machine), polling with jittered backoff for up to waitMs. Locks left by a crashed process are broken when
 * their pid is gone or after 10 s.
 */
export async function withFileLock<T>(path: string, waitMs: number, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + waitMs;
  const holder: Holder = { pid: process.pid, host: hostname(), token: randomBytes(12).toString('base64url') };
  const text = JSON.stringify(holder);
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(path, 'wx', 0o600);
      try {
        await handle.writeFile(text);
      } finally {
        await handle.close();
      }
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new StoreUnavailableError(
          `cannot create the store lock file (${(error as NodeJS.ErrnoException).code})`,
        );
      }
      const broken = await breakIfStale(path);
      const remaining = deadline - Date.now();
      if (remaining <= 0)
        throw new StoreUnavailableError(`the store file is locked by another process (${path})`);
      if (!broken) await sleep(Math.min(remaining, backoffMs(attempt, 2, 50)));
    }
  }
  try {
    return await fn();
  } finally {
    // A lock path that stopped being a file while held is not ours to remove, and fn's outcome stands.
    const current = await readHolder(path).catch(() => undefined);
    if (current?.text === text) await unlink(path).catch(() => {});
  }
}
