import { createHmac } from 'node:crypto';
import type { EncryptionKeyring } from './store/keys.js';
import { userKeyHash } from './store/user-key.js';

const FLOW_KEY_INFO = 'confluence-mcp oauth state key v1';
/** Users whose record-name hash is kept: about 100 bytes each. */
const HASHES_KEPT = 4096;

/**
 * The name of every record this server keeps in its token store, built here and nowhere else, and the keyed
 * hashes that keep users out of those names. A user's records go under a keyed hash of their user key; their
 * connect flow's records go under a slot, another keyed hash, so every one of them exists at most once per user.
 * The names are what stored data was written under: changing one loses every user's record of that kind.
 */
export class StoreRecords {
  readonly #keys: EncryptionKeyring;
  readonly #flowKey: Buffer;
  /** Users' record-name hashes, computed once (an HMAC on every call otherwise). */
  readonly #hashes = new Map<string, string>();

  /** Names keyed with the token store's own keyring. */
  constructor(keys: EncryptionKeyring) {
    this.#keys = keys;
    this.#flowKey = keys.hmac(FLOW_KEY_INFO);
  }

  /**
   * The secret the connect flow signs its OAuth `state` with; slots are keyed with it too. Derived from the
   * oldest encryption key, so it survives adding a key in front.
   */
  get flowKey(): Uint8Array {
    return this.#flowKey;
  }

  /** A user's key as record names carry it: a keyed hash, so names do not reveal who the users are. */
  userHash(userKey: string): string {
    let hash = this.#hashes.get(userKey);
    if (hash === undefined) {
      hash = userKeyHash(userKey, this.#keys);
      // Bounded: the oldest user hashed goes first, and is hashed again if they come back.
      if (this.#hashes.size >= HASHES_KEPT) this.#hashes.delete(this.#hashes.keys().next().value as string);
      this.#hashes.set(userKey, hash);
    }
    return hash;
  }

  /**
   * A user as log lines name them: a keyed hash apart from the one in record names, so a log reader cannot point
   * at a user's records, and the same across every instance sharing the keys.
   */
  logTag(userKey: string): string {
    return userKeyHash(`log\u0000${userKey}`, this.#keys).slice(0, 16);
  }

  /** A record never written: reading it tells whether the store answers (readiness). */
  readinessProbe(): string {
    return 'ready-probe';
  }

  /** A user's Atlassian connection (tokens, sites, scopes). */
  connection(userKey: string): string {
    return `conn:${this.userHash(userKey)}`;
  }

  /** The lock that keeps a user's token refresh to one at a time across every instance. */
  refreshLock(userKey: string): string {
    return `refresh:${this.userHash(userKey)}`;
  }

  /** The client capabilities a user's MCP client declared (stateless HTTP forgets them between requests). */
  capabilities(userKey: string): string {
    return `caps:${this.userHash(userKey)}`;
  }

  /** The slot of a user: every record of their connect flow lives under it. 43 characters of base64url. */
  slot(userKey: string): string {
    return createHmac('sha256', this.#flowKey).update(`connect-slot\u0000${userKey}`).digest('base64url');
  }

  /** A user's outstanding connect link. */
  link(slot: string): string {
    return `link:${slot}`;
  }

  /** A user's pending consent at Atlassian: the OAuth `state` names the slot. */
  consent(slot: string): string {
    return `consent:${slot}`;
  }

  /** A user's sign-in in progress at the callers' identity provider (browser login). */
  signIn(slot: string): string {
    return `signin:${slot}`;
  }

  /** How many connect links the fleet made in the link-lifetime-long window `window`. */
  linkCount(window: number): string {
    return `linkcount:${window}`;
  }

  /** The lock that serialises counting connect links across the fleet. */
  readonly linkCountLock = 'connect-link-count';

  /** Until when the app's Confluence quota is spent (one for the whole app: Atlassian counts it across sites). */
  readonly quotaSpent = 'ratelimit:quota';
}
