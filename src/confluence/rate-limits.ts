import type { RateLimitError } from './errors/index.js';

/**
 * Where instances share that the app's quota is spent: one value (the epoch ms of the reset) that expires by
 * itself. Redis through the token store in a fleet; absent, the board keeps it in this process only.
 */
export interface SharedLimitStore {
  get(): Promise<number | undefined>;
  set(until: number, ttlMs: number): Promise<void>;
}

export interface RateLimitBoardOptions {
  store?: SharedLimitStore | undefined;
  now?: () => number;
  /** A 429 asking for at least this long means the quota, not a burst: it is shared. Default 60 s. */
  sharedAfterSeconds?: number;
  /** How long a read of the store may take before the board answers from what it knows. Default 250 ms. */
  readTimeoutMs?: number;
  /** Told when the store could not be read or written (the board then acts on what this process knows). */
  onStoreError?: (error: unknown) => void;
}

/** Whether a 429 says the app's quota is spent (every request is blocked until the reset), not a short burst. */
export function quotaSpent(error: RateLimitError, sharedAfterSeconds = 60): boolean {
  if (error.reason && /quota/i.test(error.reason)) return true;
  return error.retryAfterSeconds !== undefined && error.retryAfterSeconds >= sharedAfterSeconds;
}

/**
 * The shared view of Atlassian's rate limits: once one request learns the quota is spent, every request of every
 * instance is answered at once with the time of the reset, spending no more of the quota, until that time.
 * A store that cannot be read never blocks a call: the board then knows what this process learnt.
 */
export class RateLimitBoard {
  readonly #store: SharedLimitStore | undefined;
  readonly #now: () => number;
  readonly #sharedAfterSeconds: number;
  readonly #readTimeoutMs: number;
  readonly #onStoreError: (error: unknown) => void;
  #until = 0;
  #reading: Promise<number> | undefined;

  constructor(options: RateLimitBoardOptions = {}) {
    this.#store = options.store;
    this.#now = options.now ?? Date.now;
    this.#sharedAfterSeconds = options.sharedAfterSeconds ?? 60;
    this.#readTimeoutMs = options.readTimeoutMs ?? 250;
    this.#onStoreError = options.onStoreError ?? (() => {});
  }

  /** Until when (epoch ms) every request is to be refused without asking Atlassian; undefined when none is. */
  async blockedUntil(): Promise<number | undefined> {
    const now = this.#now();
    if (this.#until > now) return this.#until;
    if (this.#store) {
      // One read for every request that asks at the same time.
      this.#reading ??= this.#read().finally(() => {
        this.#reading = undefined;
      });
      const until = await this.#reading;
      if (until > this.#until) this.#until = until;
    }
    return this.#until > this.#now() ? this.#until : undefined;
  }

  /**
   * Learns from a 429; returns the time every instance now waits for when the quota is spent (and tells them),
   * undefined for a burst limit that only this request waits out.
   */
  async learn(error: RateLimitError): Promise<number | undefined> {
    if (!quotaSpent(error, this.#sharedAfterSeconds)) return undefined;
    const now = this.#now();
    const fromHeader = error.retryAfterSeconds !== undefined ? now + error.retryAfterSeconds * 1000 : 0;
    const fromReset = error.resetAt ? error.resetAt.getTime() : 0;
    const until = Math.max(fromHeader, fromReset);
    if (until <= now) return undefined;
    if (until > this.#until) this.#until = until;
    if (this.#store) {
      try {
        await this.#store.set(until, until - now);
      } catch (storeError) {
        this.#onStoreError(storeError);
      }
    }
    return until;
  }

  async #read(): Promise<number> {
    const store = this.#store as SharedLimitStore;
    let timer: NodeJS.Timeout | undefined;
    try {
      const value = await Promise.race([
        store.get(),
        new Promise<undefined>((resolve) => {
          timer = setTimeout(() => resolve(undefined), this.#readTimeoutMs);
        }),
      ]);
      return typeof value === 'number' && Number.isFinite(value) ? value : 0;
    } catch (error) {
      this.#onStoreError(error);
      return 0;
    } finally {
      clearTimeout(timer);
    }
  }
}
