/**
 * Knobs that make the sandbox misbehave the way Confluence and networks do, so clients can be tested against it:
 * added latency and jitter, error statuses (429 with Retry-After, 5xx), dropped connections, answers lost after
 * the work was done, requests held until released; each rule can hit a seeded share of requests.
 */
export interface FaultRule {
  /** Only requests with this method. */
  method?: string;
  /** Only requests whose path (with query) contains this text, or matches this pattern. */
  path?: string | RegExp;
  /** Answer with this status instead of serving the request. */
  status?: number;
  /** `Retry-After` seconds on the answer (429s). */
  retryAfter?: number;
  /**
   * `RateLimit-Reason` on a 429; by default a quota reason when Retry-After is a minute or more (the app's points
   * are spent until the reset), a burst reason otherwise.
   */
  reason?: string;
  /**
   * Serve the request (the page is created, the version written), then destroy the connection instead of
   * answering: the client cannot tell whether its write happened.
   */
  dropResponse?: boolean;
  /** The share of matching requests this rule hits (0-1), drawn from the seeded random; every one by default. */
  chance?: number;
  /** Body of the answer; Confluence's shape for the status by default. */
  body?: unknown;
  /** Destroy the connection without answering. */
  drop?: boolean;
  /** Wait this long before acting (or before serving, if nothing else is set). */
  delayMs?: number;
  /**
   * Hold the request until release() (or `POST /__sandbox/faults/release`), then act on the rest of the rule: lets
   * a test keep a request in flight for exactly as long as it needs, instead of guessing a delay.
   */
  hold?: boolean;
  /** How many requests this rule hits; unlimited by default. */
  times?: number;
}

/** A rule in force, with how many requests it has hit so far. */
export interface ActiveRule extends FaultRule {
  hits: number;
}

/** A small seeded generator (mulberry32): the same seed gives the same faults in the same order. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Faults {
  /** Latency added to every API request. */
  latencyMs = 0;
  /** Up to this much more, drawn per request from the seeded random. */
  jitterMs = 0;
  /** Draws for `chance` and jitter; reseed() makes a run repeatable. */
  random: () => number = seededRandom(1);
  readonly #rules: ActiveRule[] = [];
  readonly #held: Array<() => void> = [];
  readonly #watchers: Array<{ count: number; resolve: () => void }> = [];

  /** Adds a rule after those there are; returns it, so a test can read its `hits`. */
  add(rule: FaultRule): Readonly<ActiveRule> {
    const active = { ...rule, hits: 0 };
    this.#rules.push(active);
    return active;
  }

  /** Removes every rule, the latency and the jitter, and lets held requests go on. */
  clear(): void {
    this.#rules.length = 0;
    this.latencyMs = 0;
    this.jitterMs = 0;
    this.release();
  }

  /** Restarts the seeded random, so the same rules hit the same requests again. */
  reseed(seed: number): void {
    this.random = seededRandom(seed);
  }

  /** The delay before a request: the latency plus its share of jitter. */
  delayMs(): number {
    return this.latencyMs + (this.jitterMs ? Math.floor(this.random() * this.jitterMs) : 0);
  }

  /** How many requests a `hold` rule is holding right now. */
  get held(): number {
    return this.#held.length;
  }

  /** Resolves once at least `count` requests are being held at the same time. */
  whenHeld(count = 1): Promise<void> {
    if (this.#held.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.#watchers.push({ count, resolve }));
  }

  /** Waits, for a request a `hold` rule caught, until release(). */
  hold(): Promise<void> {
    const released = new Promise<void>((resolve) => this.#held.push(resolve));
    for (const watcher of [...this.#watchers]) {
      if (this.#held.length < watcher.count) continue;
      this.#watchers.splice(this.#watchers.indexOf(watcher), 1);
      watcher.resolve();
    }
    return released;
  }

  /** Lets every held request go on; returns how many there were. */
  release(): number {
    const waiting = this.#held.splice(0);
    for (const resume of waiting) resume();
    return waiting.length;
  }

  /** The rule that applies to a request, counting the hit; undefined when none does. */
  take(method: string, pathAndQuery: string): FaultRule | undefined {
    for (const rule of this.#rules) {
      if (rule.times !== undefined && rule.hits >= rule.times) continue;
      if (rule.method && rule.method !== method) continue;
      if (rule.path !== undefined) {
        const hit =
          typeof rule.path === 'string' ? pathAndQuery.includes(rule.path) : rule.path.test(pathAndQuery);
        if (!hit) continue;
      }
      if (rule.chance !== undefined && this.random() >= rule.chance) continue;
      rule.hits++;
      return rule;
    }
    return undefined;
  }
}

/** A fault rule from JSON (the admin endpoint), where a path pattern comes as `{ "regex": "..." }`. */
export function faultFromJson(input: unknown): FaultRule {
  const o = (input ?? {}) as Record<string, unknown>;
  const rule: FaultRule = {};
  if (typeof o.method === 'string') rule.method = o.method.toUpperCase();
  if (typeof o.path === 'string') rule.path = o.path;
  else if (o.path && typeof (o.path as { regex?: unknown }).regex === 'string') {
    rule.path = new RegExp((o.path as { regex: string }).regex);
  }
  if (typeof o.status === 'number') rule.status = o.status;
  if (typeof o.retryAfter === 'number') rule.retryAfter = o.retryAfter;
  if (typeof o.reason === 'string') rule.reason = o.reason;
  if (o.dropResponse === true) rule.dropResponse = true;
  if (typeof o.chance === 'number') rule.chance = o.chance;
  if (o.body !== undefined) rule.body = o.body;
  if (o.drop === true) rule.drop = true;
  if (o.hold === true) rule.hold = true;
  if (typeof o.delayMs === 'number') rule.delayMs = o.delayMs;
  if (typeof o.times === 'number') rule.times = o.times;
  return rule;
}
