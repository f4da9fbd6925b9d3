import type { ConfluenceClient } from '../src/confluence/client.js';
import { listSpaces } from '../src/confluence/endpoints/spaces.js';

/** The operator's space bounds: keys tools may touch (empty: all) and keys they never touch. */
export interface SpaceBounds {
  allow: readonly string[];
  deny: readonly string[];
}

/** A space outside the operator's bounds; answered exactly like content that does not exist. */
export class OutOfBoundsError extends Error {
  override readonly name = 'OutOfBoundsError';
  constructor(readonly subject: string) {
    super(`${subject} is outside the spaces this server may use`);
  }
}

// Space ids never change, so a key's id is cached per site for the life of the process (bounded).
const idCache = new Map<string, Map<string, string | null>>();

/**
 * Enforces the space allow-list and deny-list on every tool: reads, writes and search. Lists are by key (what
 * operators know); v2 answers carry space ids, so keys are resolved to ids once per site.
 */
export class SpaceGuard {
  readonly #bounds: SpaceBounds;
  readonly #client: ConfluenceClient;
  readonly #signal: AbortSignal | undefined;

  constructor(bounds: SpaceBounds, client: ConfluenceClient, signal?: AbortSignal) {
    this.#bounds = bounds;
    this.#client = client;
    this.#signal = signal;
  }

  /** Whether any bound is set; when not, every check passes without a request. */
  get active(): boolean {
    return this.#bounds.allow.length > 0 || this.#bounds.deny.length > 0;
  }

  allowsKey(key: string): boolean {
    if (this.#bounds.deny.includes(key)) return false;
    return this.#bounds.allow.length === 0 || this.#bounds.allow.includes(key);
  }

  /** Throws OutOfBoundsError when the space with this key is out of bounds. */
  checkKey(key: string, subject = `space ${key}`): void {
    if (!this.allowsKey(key)) throw new OutOfBoundsError(subject);
  }

  async #ids(): Promise<{ allow: Set<string>; deny: Set<string> }> {
    const keys = [...new Set([...this.#bounds.allow, ...this.#bounds.deny])];
    let cache = idCache.get(this.#client.baseUrl);
    if (!cache) {
      if (idCache.size > 1000) idCache.clear();
      cache = new Map();
      idCache.set(this.#client.baseUrl, cache);
    }
    const missing = keys.filter((k) => !cache?.has(k));
    if (missing.length) {
      const found = await listSpaces(this.#client, { keys: missing, limit: 250, signal: this.#signal });
      for (const key of missing) cache.set(key, found.items.find((s) => s.key === key)?.id ?? null);
    }
    const ids = (list: readonly string[]) =>
      new Set(list.map((k) => cache?.get(k)).filter((id): id is string => typeof id === 'string'));
    return { allow: ids(this.#bounds.allow), deny: ids(this.#bounds.deny) };
  }

  async allowsId(spaceId: string | undefined): Promise<boolean> {
    if (!this.active) return true;
    if (!spaceId) return this.#bounds.allow.length === 0;
    const { allow, deny } = await this.#ids();
    if (deny.has(spaceId)) return false;
    return this.#bounds.allow.length === 0 || allow.has(spaceId);
  }

  /** Throws OutOfBoundsError when the space with this id is out of bounds. */
  async checkId(spaceId: string | undefined, subject: string): Promise<void> {
    if (!(await this.allowsId(spaceId))) throw new OutOfBoundsError(subject);
  }

  /** The items whose space is in bounds. */
  async filter<T>(items: readonly T[], spaceIdOf: (item: T) => string | undefined): Promise<T[]> {
    if (!this.active) return [...items];
    const out: T[] = [];
    for (const item of items) if (await this.allowsId(spaceIdOf(item))) out.push(item);
    return out;
  }

  /** A CQL clause that keeps search inside the bounds, or '' when unbounded. */
  cql(): string {
    const quote = (k: string) => `"${k.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
    const parts: string[] = [];
    if (this.#bounds.allow.length) parts.push(`space in (${this.#bounds.allow.map(quote).join(', ')})`);
    if (this.#bounds.deny.length) parts.push(`space not in (${this.#bounds.deny.map(quote).join(', ')})`);
    return parts.join(' AND ');
  }
}
