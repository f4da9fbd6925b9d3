import { type ConfluenceClient, canonicalId, listSpaces, spaceBoundsCql } from '../src/confluence/index.js';
import type { KindedError } from '../src/error-kind.js';

/** The operator's space bounds: keys tools may touch (empty: all) and keys they never touch. */
export interface SpaceBounds {
  allow: readonly string[];
  deny: readonly string[];
}

/** A space outside the operator's bounds; answered exactly like content that does not exist. */
export class OutOfBoundsError extends Error implements KindedError {
  override readonly name = 'OutOfBoundsError';
  /** Answered exactly like content that does not exist: the bounds are the operator's, not a way around. */
  readonly kind = 'not-found';
  constructor(readonly subject: string) {
    super(`${subject} is outside the spaces this server may use`);
  }
}

/**
 * Which key each space id has, per site. Only facts Confluence stated in an answer (a space with its id and key)
 * go in: they are the same for every user, so one user's permissions never shape another's checks. Nothing is
 * remembered about a key or id Confluence did not show; a space the caller cannot see is simply looked up again.
 * Entries expire, because a space's key can be changed.
 */
class SpaceKeys {
  static readonly TTL_MS = 10 * 60_000;
  static readonly MAX_PER_SITE = 5_000;
  static readonly MAX_SITES = 200;
  readonly #sites = new Map<string, Map<string, { key: string; until: number }>>();

  get(site: string, id: string): string | undefined {
    const entry = this.#sites.get(site)?.get(id);
    if (!entry) return undefined;
    if (entry.until < Date.now()) {
      this.#sites.get(site)?.delete(id);
      return undefined;
    }
    return entry.key;
  }

  set(site: string, id: string, key: string): void {
    let map = this.#sites.get(site);
    if (!map) {
      if (this.#sites.size >= SpaceKeys.MAX_SITES)
        this.#sites.delete(this.#sites.keys().next().value as string);
      map = new Map();
      this.#sites.set(site, map);
    }
    map.delete(id);
    if (map.size >= SpaceKeys.MAX_PER_SITE) map.delete(map.keys().next().value as string);
    map.set(id, { key, until: Date.now() + SpaceKeys.TTL_MS });
  }
}

const spaceKeys = new SpaceKeys();

/**
 * Enforces the operator's space allow-list and deny-list on every tool, per request and by construction: each
 * page, space, label list and search hit is judged by the key of the space Confluence says it is in. Keys compare
 * without regard to case; ids are made canonical first. When a space's key cannot be learned (the caller cannot
 * see the space), anything in it is out of bounds: the check fails closed, and only while bounds are set.
 */
export class SpaceGuard {
  readonly #allow: Set<string>;
  readonly #deny: Set<string>;
  readonly #bounds: SpaceBounds;
  readonly #client: ConfluenceClient;
  readonly #signal: AbortSignal | undefined;

  constructor(bounds: SpaceBounds, client: ConfluenceClient, signal?: AbortSignal) {
    this.#bounds = bounds;
    this.#allow = new Set(bounds.allow.map((k) => k.toLowerCase()));
    this.#deny = new Set(bounds.deny.map((k) => k.toLowerCase()));
    this.#client = client;
    this.#signal = signal;
  }

  /** Whether any bound is set; when not, every check passes without a request. */
  get active(): boolean {
    return this.#allow.size > 0 || this.#deny.size > 0;
  }

  /** Whether the space with this key is inside the bounds. */
  allowsKey(key: string | undefined): boolean {
    if (!this.active) return true;
    if (!key) return false;
    const k = key.toLowerCase();
    if (this.#deny.has(k)) return false;
    return this.#allow.size === 0 || this.#allow.has(k);
  }

  /** Throws OutOfBoundsError when the space with this key is out of bounds. */
  checkKey(key: string | undefined, subject = `space ${key}`): void {
    if (!this.allowsKey(key)) throw new OutOfBoundsError(subject);
  }

  /** Records spaces Confluence answered with (id and key), so later checks of their ids need no request. */
  learn(spaces: Iterable<{ id?: string | number | undefined; key?: string | undefined }>): void {
    for (const space of spaces) {
      const id = canonicalId(space.id);
      if (id && space.key) spaceKeys.set(this.#client.baseUrl, id, space.key);
    }
  }

  /** The keys of these spaces, from what Confluence said before or from one request for the rest. */
  async #keys(spaceIds: Iterable<string | undefined>): Promise<Map<string, string>> {
    const site = this.#client.baseUrl;
    const keys = new Map<string, string>();
    const missing = new Set<string>();
    for (const raw of spaceIds) {
      const id = canonicalId(raw);
      if (!id) continue;
      const key = spaceKeys.get(site, id);
      if (key) keys.set(id, key);
      else missing.add(id);
    }
    // A list answer holds at most 250 items, so at most 250 distinct spaces: one request (ids take 250 at most).
    const wanted = [...missing];
    for (let i = 0; i < wanted.length; i += 250) {
      const ids = wanted.slice(i, i + 250);
      const found = await listSpaces(this.#client, { ids, limit: 250, signal: this.#signal });
      this.learn(found.items);
      for (const space of found.items) {
        const id = canonicalId(space.id);
        if (id && missing.has(id)) keys.set(id, space.key);
      }
    }
    return keys;
  }

  /** Whether the space with this id is inside the bounds, judged by the key Confluence gives it. */
  async allowsSpaceId(spaceId: string | undefined): Promise<boolean> {
    if (!this.active) return true;
    const id = canonicalId(spaceId);
    return id !== undefined && this.allowsKey((await this.#keys([id])).get(id));
  }

  /**
   * The key of the space with this id, for showing it: from what Confluence said before or one request. Undefined
   * when it cannot be learned (the space is not visible, or the connection lacks read:space).
   */
  async keyOf(spaceId: string | undefined): Promise<string | undefined> {
    const id = canonicalId(spaceId);
    if (!id) return undefined;
    try {
      return (await this.#keys([id])).get(id);
    } catch (error) {
      if (this.#signal?.aborted) throw error;
      return undefined;
    }
  }

  /** Throws OutOfBoundsError when the space with this id is out of bounds (or its key cannot be learned). */
  async checkSpaceId(spaceId: string | undefined, subject: string): Promise<void> {
    if (!(await this.allowsSpaceId(spaceId))) throw new OutOfBoundsError(subject);
  }

  /** The items whose space is inside the bounds; one request at most for spaces not seen before. */
  async filter<T>(items: readonly T[], spaceIdOf: (item: T) => string | undefined): Promise<T[]> {
    if (!this.active) return [...items];
    const keys = await this.#keys(items.map(spaceIdOf));
    return items.filter((item) => {
      const id = canonicalId(spaceIdOf(item));
      return id !== undefined && this.allowsKey(keys.get(id));
    });
  }

  /** The items whose space key (as Confluence gave it with the item) is inside the bounds. */
  filterByKey<T>(items: readonly T[], keyOf: (item: T) => string | undefined): T[] {
    return this.active ? items.filter((item) => this.allowsKey(keyOf(item))) : [...items];
  }

  /** A CQL term that keeps search inside the bounds, or undefined when unbounded. */
  cql(): string | undefined {
    return spaceBoundsCql(this.#bounds);
  }
}
