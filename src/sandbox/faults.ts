/**
 * Knobs that make the sandbox misbehave the way Confluence and networks do, so clients can be tested against it:
 * added latency, error statuses (429 with Retry-After, 5xx), and dropped connections.
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

  add(rule: FaultRule): void {
    this.#rules.push({ ...rule, hits: 0 });
  }

  clear(): void {
    this.#rules.length = 0;
    this.latencyMs = 0;
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
  if (typeof o.delayMs === 'number') rule.delayMs = o.delayMs;
  if (typeof o.times === 'number') rule.times = o.times;
  return rule;
}
