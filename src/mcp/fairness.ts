/** Bounds of a {@link FairQueue}. */
export interface FairQueueLimits {
  /** Calls running at once, across all users. */
  readonly maxConcurrentCalls: number;
  /** Calls one user may have running at once. */
  readonly maxConcurrentCallsPerUser: number;
  /** Calls one user may have waiting; beyond this a call is refused at once. */
  readonly maxQueuedCallsPerUser: number;
}

/** A call refused because its user already has too many waiting; kind `refused`, the message says what to do. */
export class TooManyCallsError extends Error {
  override readonly name = 'TooManyCallsError';
  readonly kind = 'refused' as const;
}

interface Waiter {
  start(): void;
}

interface UserState {
  running: number;
  readonly waiting: Waiter[];
  /** When this user's last call started (a tick of the queue's counter); 0 for never. */
  lastStarted: number;
}

/**
 * Admits tool calls so that no user stalls the others: each user runs at most `maxConcurrentCallsPerUser` calls
 * at once and all users together at most `maxConcurrentCalls`; a call beyond either waits, and waiting calls are
 * served one user at a time in turn (round-robin: the user whose last call started longest ago goes first), so
 * one user's burst waits behind every other user's next call. Memory is bounded: a user with nothing running or waiting is forgotten, and each user may have at most
 * `maxQueuedCallsPerUser` calls waiting.
 */
export class FairQueue {
  readonly #limits: FairQueueLimits;
  readonly #users = new Map<string, UserState>();
  /** Users with calls waiting, in the order they are served next (a Set keeps insertion order). */
  readonly #turns = new Set<string>();
  #running = 0;
  #tick = 0;

  constructor(limits: FairQueueLimits) {
    this.#limits = limits;
  }

  /** Calls running and waiting now, and users known (for tests and metrics). */
  get load(): { running: number; waiting: number; users: number } {
    let waiting = 0;
    for (const user of this.#users.values()) waiting += user.waiting.length;
    return { running: this.#running, waiting, users: this.#users.size };
  }

  /**
   * Waits for the user's turn, then resolves with the function that ends the call (call it exactly once, when
   * the call is done). Rejects with TooManyCallsError when the user has too many calls waiting, or with the
   * signal's reason when the call is cancelled while waiting.
   */
  admit(user: string, signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const state = this.#users.get(user) ?? { running: 0, waiting: [], lastStarted: 0 };
    this.#users.set(user, state);
    if (!state.waiting.length && this.#canRun(state)) return Promise.resolve(this.#start(user, state));
    if (state.waiting.length >= this.#limits.maxQueuedCallsPerUser) {
      this.#forgetIfIdle(user, state);
      const { maxConcurrentCallsPerUser: running, maxQueuedCallsPerUser: queued } = this.#limits;
      return Promise.reject(
        new TooManyCallsError(
          `Too many calls at once: you have ${state.running} running and ${state.waiting.length} waiting (this server runs ${running} and queues ${queued} per user). Nothing was done; wait for your earlier calls to finish, then retry.`,
        ),
      );
    }
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        const index = state.waiting.indexOf(waiter);
        if (index >= 0) state.waiting.splice(index, 1);
        if (!state.waiting.length) this.#turns.delete(user);
        this.#forgetIfIdle(user, state);
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        start: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(this.#start(user, state));
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      state.waiting.push(waiter);
      this.#turns.add(user);
    });
  }

  #canRun(state: UserState): boolean {
    return (
      this.#running < this.#limits.maxConcurrentCalls &&
      state.running < this.#limits.maxConcurrentCallsPerUser
    );
  }

  #start(user: string, state: UserState): () => void {
    this.#running += 1;
    state.running += 1;
    this.#tick += 1;
    state.lastStarted = this.#tick;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.#running -= 1;
      state.running -= 1;
      this.#forgetIfIdle(user, state);
      this.#next();
    };
  }

  /**
   * Starts waiting calls while there is room. The next call is the oldest waiting one of the user whose last call
   * started longest ago (among users under their own bound): so a user whose call just started goes behind every
   * other waiting user, and a burst is served one call per turn.
   */
  #next(): void {
    while (this.#running < this.#limits.maxConcurrentCalls) {
      let chosen: { user: string; state: UserState } | undefined;
      for (const user of this.#turns) {
        const state = this.#users.get(user);
        if (!state?.waiting.length) {
          this.#turns.delete(user);
          continue;
        }
        if (state.running >= this.#limits.maxConcurrentCallsPerUser) continue;
        if (!chosen || state.lastStarted < chosen.state.lastStarted) chosen = { user, state };
      }
      if (!chosen) return;
      const waiter = chosen.state.waiting.shift() as Waiter;
      if (!chosen.state.waiting.length) this.#turns.delete(chosen.user);
      waiter.start();
    }
  }

  #forgetIfIdle(user: string, state: UserState): void {
    if (!state.running && !state.waiting.length && this.#users.get(user) === state) this.#users.delete(user);
  }
}
