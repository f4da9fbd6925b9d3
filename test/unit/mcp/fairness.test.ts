import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FairQueue, TooManyCallsError } from '../../../src/mcp/index.js';

/** Admits a call and records when it starts; `end()` finishes it. */
function caller(queue: FairQueue, started: string[]) {
  return (user: string, name: string, signal?: AbortSignal) => {
    const admitted = queue.admit(user, signal).then((release) => {
      started.push(name);
      return release;
    });
    return {
      admitted,
      end: async () => (await admitted)(),
    };
  };
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('the fair queue of tool calls', () => {
  it("serves every other user's waiting call before a second call of a bursting user", async () => {
    const queue = new FairQueue({
      maxConcurrentCalls: 1,
      maxConcurrentCallsPerUser: 4,
      maxQueuedCallsPerUser: 10,
    });
    const started: string[] = [];
    const call = caller(queue, started);
    const a1 = call('alice', 'a1');
    const burst = ['a2', 'a3', 'a4'].map((name) => call('alice', name));
    const b1 = call('bob', 'b1');
    const c1 = call('carol', 'c1');
    await flush();
    expect(started).toEqual(['a1']);
    expect(queue.load).toEqual({ running: 1, waiting: 5, users: 3 });
    const order = [a1, b1, c1, ...burst];
    for (const next of order) await next.end();
    expect(started).toEqual(['a1', 'b1', 'c1', 'a2', 'a3', 'a4']);
    expect(queue.load).toEqual({ running: 0, waiting: 0, users: 0 });
  });

  it('holds a user to their own bound while others still run', async () => {
    const queue = new FairQueue({
      maxConcurrentCalls: 10,
      maxConcurrentCallsPerUser: 2,
      maxQueuedCallsPerUser: 5,
    });
    const started: string[] = [];
    const call = caller(queue, started);
    const a = ['a1', 'a2', 'a3'].map((name) => call('alice', name));
    const b1 = call('bob', 'b1');
    await flush();
    expect(started).toEqual(['a1', 'a2', 'b1']);
    await a[0]?.end();
    await flush();
    expect(started).toEqual(['a1', 'a2', 'b1', 'a3']);
    await Promise.all([a[1]?.end(), a[2]?.end(), b1.end()]);
  });

  it('refuses a call at once when its user already has too many waiting, and says what to do', async () => {
    const queue = new FairQueue({
      maxConcurrentCalls: 10,
      maxConcurrentCallsPerUser: 1,
      maxQueuedCallsPerUser: 1,
    });
    const started: string[] = [];
    const call = caller(queue, started);
    const a1 = call('alice', 'a1');
    const a2 = call('alice', 'a2');
    const refused = await queue.admit('alice').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(TooManyCallsError);
    expect((refused as TooManyCallsError).kind).toBe('refused');
    expect((refused as Error).message).toMatch(
      /Too many calls at once: you have 1 running and 1 waiting .*wait for your earlier calls to finish, then retry/,
    );
    // Another user is not affected.
    const b1 = call('bob', 'b1');
    await b1.admitted;
    await a1.end();
    await a2.end();
    await b1.end();
    expect(started).toEqual(['a1', 'b1', 'a2']);
  });

  it('drops a waiting call whose caller cancels it, and forgets idle users', async () => {
    const queue = new FairQueue({
      maxConcurrentCalls: 1,
      maxConcurrentCallsPerUser: 1,
      maxQueuedCallsPerUser: 5,
    });
    const started: string[] = [];
    const call = caller(queue, started);
    const a1 = call('alice', 'a1');
    const cancel = new AbortController();
    const b1 = call('bob', 'b1', cancel.signal);
    const c1 = call('carol', 'c1');
    cancel.abort(new Error('cancelled'));
    await expect(b1.admitted).rejects.toThrow('cancelled');
    await a1.end();
    await c1.end();
    expect(started).toEqual(['a1', 'c1']);
    expect(queue.load).toEqual({ running: 0, waiting: 0, users: 0 });
  });

  it('never exceeds its bounds and ends with nothing held, whatever the order of calls and ends', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.boolean()), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 2 }),
        async (steps, total, perUser) => {
          const queue = new FairQueue({
            maxConcurrentCalls: total,
            maxConcurrentCallsPerUser: perUser,
            maxQueuedCallsPerUser: 3,
          });
          const running = new Map<string, number>();
          const releases: (() => void)[] = [];
          const all: Promise<unknown>[] = [];
          for (const [user, endOne] of steps) {
            all.push(
              queue
                .admit(user)
                .then((release) => {
                  running.set(user, (running.get(user) ?? 0) + 1);
                  const sum = [...running.values()].reduce((x, y) => x + y, 0);
                  expect(sum).toBeLessThanOrEqual(total);
                  expect(running.get(user)).toBeLessThanOrEqual(perUser);
                  releases.push(() => {
                    running.set(user, (running.get(user) ?? 0) - 1);
                    release();
                  });
                })
                .catch((error: unknown) => expect(error).toBeInstanceOf(TooManyCallsError)),
            );
            await flush();
            if (endOne) releases.shift()?.();
          }
          while (queue.load.running || queue.load.waiting) {
            releases.shift()?.();
            await flush();
          }
          await Promise.all(all);
          expect(queue.load).toEqual({ running: 0, waiting: 0, users: 0 });
        },
      ),
      { numRuns: 100 },
    );
  });
});
