import { describe, expect, it } from 'vitest';
import { callSignal, DeadlineExceededError, deadlineOf, timeLeft } from '../../../src/confluence/deadline.js';
import { RateLimitError } from '../../../src/confluence/errors/index.js';
import { quotaSpent, RateLimitBoard, type SharedLimitStore } from '../../../src/confluence/rate-limits.js';

const request = { method: 'GET', path: 'api/v2/spaces' };
const limited = (info: ConstructorParameters<typeof RateLimitError>[2]) =>
  new RateLimitError('429', request, info);

/** A store shared like Redis would be, counting reads; `fail` or `hang` make it misbehave. */
function sharedStore() {
  let value: number | undefined;
  const store = {
    reads: 0,
    fail: false,
    hang: false,
    async get() {
      store.reads++;
      if (store.fail) throw new Error('Redis is down');
      if (store.hang) return new Promise<number | undefined>(() => {});
      return value;
    },
    async set(until: number) {
      if (store.fail) throw new Error('Redis is down');
      value = until;
    },
  } satisfies SharedLimitStore & Record<string, unknown>;
  return store;
}

describe('what counts as a spent quota', () => {
  it('is a quota reason, or a Retry-After of a minute or more; a short burst is not', () => {
    expect(quotaSpent(limited({ reason: 'confluence-quota-global-based', retryAfterSeconds: 5 }))).toBe(true);
    expect(quotaSpent(limited({ retryAfterSeconds: 1847 }))).toBe(true);
    expect(quotaSpent(limited({ retryAfterSeconds: 60 }))).toBe(true);
    expect(quotaSpent(limited({ retryAfterSeconds: 59, reason: 'confluence-burst-based' }))).toBe(false);
    expect(quotaSpent(limited({}))).toBe(false);
  });
});

describe('the rate-limit board', () => {
  it('tells every board on the same store, until the reset and not after', async () => {
    let now = 1_000_000;
    const store = sharedStore();
    const one = new RateLimitBoard({ store, now: () => now });
    const two = new RateLimitBoard({ store, now: () => now });
    expect(await two.blockedUntil()).toBeUndefined();
    expect(await one.learn(limited({ retryAfterSeconds: 1800 }))).toBe(now + 1_800_000);
    expect(await two.blockedUntil()).toBe(now + 1_800_000);
    now += 1_800_000;
    expect(await two.blockedUntil()).toBeUndefined();
  });

  it('takes the later of Retry-After and X-RateLimit-Reset', async () => {
    const now = Date.parse('2026-03-02T10:30:00Z');
    const board = new RateLimitBoard({ now: () => now });
    const resetAt = new Date('2026-03-02T11:00:00Z');
    expect(await board.learn(limited({ retryAfterSeconds: 60, resetAt }))).toBe(resetAt.getTime());
  });

  it('reads the store once for every request asking at the same time', async () => {
    const store = sharedStore();
    const board = new RateLimitBoard({ store });
    await Promise.all(Array.from({ length: 100 }, () => board.blockedUntil()));
    expect(store.reads).toBe(1);
  });

  it('never stands in a call’s way when the store fails or hangs: it answers from what it knows', async () => {
    const errors: unknown[] = [];
    const store = sharedStore();
    const board = new RateLimitBoard({ store, readTimeoutMs: 20, onStoreError: (e) => errors.push(e) });
    store.fail = true;
    expect(await board.blockedUntil()).toBeUndefined();
    // Learning still works in this process, although it cannot be shared.
    const until = await board.learn(limited({ retryAfterSeconds: 600 }));
    expect(await board.blockedUntil()).toBe(until);
    expect(errors).toHaveLength(2);
    store.fail = false;
    store.hang = true;
    const hung = new RateLimitBoard({ store, readTimeoutMs: 20 });
    expect(await hung.blockedUntil()).toBeUndefined();
  });

  it('ignores a burst limit', async () => {
    const store = sharedStore();
    const board = new RateLimitBoard({ store });
    expect(
      await board.learn(limited({ retryAfterSeconds: 1, reason: 'confluence-burst-based' })),
    ).toBeUndefined();
    expect(await board.blockedUntil()).toBeUndefined();
  });
});

describe('a call’s signal', () => {
  it('carries its deadline and aborts at it with a DeadlineExceededError', async () => {
    const call = callSignal(new AbortController().signal, 30, 1000);
    expect(deadlineOf(call.signal)).toBe(1030);
    expect(timeLeft(call.signal, 1010)).toBe(20);
    await new Promise((resolve) => call.signal.addEventListener('abort', resolve));
    expect(call.signal.reason).toBeInstanceOf(DeadlineExceededError);
    expect((call.signal.reason as DeadlineExceededError).kind).toBe('timeout');
  });

  it('passes on the client’s cancellation with its own reason, and lets go of the parent once disposed', () => {
    const parent = new AbortController();
    const call = callSignal(parent.signal, 60_000);
    const reason = new Error('cancelled');
    parent.abort(reason);
    expect(call.signal.reason).toBe(reason);

    const other = new AbortController();
    const disposed = callSignal(other.signal, 60_000);
    disposed.dispose();
    other.abort(new Error('late'));
    expect(disposed.signal.aborted).toBe(false);
    expect(timeLeft(undefined)).toBe(Number.POSITIVE_INFINITY);
  });
});
