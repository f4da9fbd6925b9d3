import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { LockTimeoutError } from './lock-timeout-error.js';
import type { Backend } from './types.js';

export interface LockOptions {
  ttlMs: number;
  waitMs: number;
}

const FIRST_POLL_MS = 10;
const MAX_POLL_MS = 250;

/** Exponential backoff with x0.5-1.5 jitter, so waiting processes do not poll in step. */
export function backoffMs(attempt: number, firstMs = FIRST_POLL_MS, maxMs = MAX_POLL_MS): number {
  const base = Math.min(firstMs * 2 ** attempt, maxMs);
  return Math.max(1, Math.round(base * (0.5 + Math.random())));
}

/** Resolves true when `promise` settles before `deadline` (epoch ms), false otherwise; never rejects. */
async function settlesBefore(promise: Promise<unknown>, deadline: number): Promise<boolean> {
  // Even past the deadline a promise that has already settled wins the race: it resolves before any timer fires.
  const controller = new AbortController();
  const timer = sleep(Math.max(0, deadline - Date.now()), false, { signal: controller.signal }).catch(
    () => false,
  );
  const done = promise.then(
    () => true,
    () => true,
  );
  const settled = await Promise.race([done, timer]);
  controller.abort();
  return settled;
}

/**
 * Named locks over a backend. Callers in this process queue behind each other in memory, so only the head of each
 * queue polls the backend; the backend lock (one token per holder, compare-and-delete release) covers every other
 * process. In-process waiters count their wait from the call, so waitMs bounds the whole wait.
 */
export class LockCoordinator {
  readonly #tails = new Map<string, Promise<void>>();

  constructor(
    private readonly backend: Backend,
    private readonly keyFor: (name: string) => string,
  ) {}

  async run<T>(name: string, options: LockOptions, fn: () => Promise<T>): Promise<T> {
    const { ttlMs, waitMs } = options;
    if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new RangeError('withLock needs ttlMs > 0');
    if (!Number.isFinite(waitMs) || waitMs < 0) throw new RangeError('withLock needs waitMs >= 0');
    const deadline = Date.now() + waitMs;

    const previous = this.#tails.get(name) ?? Promise.resolve();
    let leave = (): void => {};
    const turn = new Promise<void>((resolve) => {
      leave = resolve;
    });
    // The next caller waits for everyone ahead of us and for us, even if we give up early.
    const tail = previous.then(() => turn);
    this.#tails.set(name, tail);
    try {
      if (!(await settlesBefore(previous, deadline))) throw new LockTimeoutError(name, waitMs);
      const key = this.keyFor(name);
      const token = randomBytes(16).toString('base64url');
      await this.#acquire(key, token, ttlMs, deadline, name, waitMs);
      try {
        return await fn();
      } finally {
        // A release that fails (store down) is harmless: the lock lapses after ttlMs.
        await this.backend.releaseLock(key, token).catch(() => false);
      }
    } finally {
      leave();
      if (this.#tails.get(name) === tail) this.#tails.delete(name);
    }
  }

  async #acquire(key: string, token: string, ttlMs: number, deadline: number, name: string, waitMs: number) {
    for (let attempt = 0; ; attempt++) {
      if (await this.backend.acquireLock(key, token, Math.ceil(ttlMs))) return;
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new LockTimeoutError(name, waitMs);
      await sleep(Math.min(remaining, backoffMs(attempt)));
    }
  }
}
