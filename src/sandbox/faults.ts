/**
 * Knobs that make the sandbox misbehave the way Confluence and networks do, so clients can be tested against it:
 * added latency, error statuses (429 with Retry-After, 5xx), dropped connections, and requests held until released.
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

interface ActiveRule extends FaultRule {
  hits: number;
}

export class Faults {
  /** Latency added to every API request. */
  latencyMs = 0;
  readonly #rules: ActiveRule[] = [];
  readonly #held: Array<() => void> = [];
  readonly #watchers: Array<{ count: number; resolve: () => void }> = [];

  add(rule: FaultRule): void {
    this.#rules.push({ ...rule, hits: 0 });
  }

  /** Removes every rule and the latency, and lets held requests go on. */
  clear(): void {
    this.#rules.length = 0;
    this.latencyMs = 0;
    this.release();
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
  if (o.body !== undefined) rule.body = o.body;
  if (o.drop === true) rule.drop = true;
  if (o.hold === true) rule.hold = true;
  if (typeof o.delayMs === 'number') rule.delayMs = o.delayMs;
  if (typeof o.times === 'number') rule.times = o.times;
  return rule;
}
