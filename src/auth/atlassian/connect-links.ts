import type { StoreRecords } from '../records.js';
import { NotConnectedError } from '../session.js';
import { LockTimeoutError } from '../store/lock-timeout-error.js';
import { randomToken, sameSecret } from './flow-secrets.js';
import type { StorePort } from './store-port.js';

/** Who a link is for, as a person should be shown it: what the identity provider vouches for comes first. */
export interface LinkIdentity {
  /** Short name: the verified email, or the subject at its issuer; `you (this computer)` for the stdio user. */
  label: string;
  /** The issuer and subject of the caller's verified token (HTTP callers). */
  issuer?: string;
  subject?: string;
  /** The email in the caller's token, only when the token says the provider verified it. */
  verifiedEmail?: string;
  /** The display name the token carries: its holder may have chosen it, so it is never shown as the identity. */
  claimedName?: string;
}

/** A connect link as stored: one per user, under the user's slot, until it is spent or expires. */
export interface LinkRecord {
  userKey: string;
  who: LinkIdentity;
  /** The random half of the link id; the other half is the slot. */
  nonce: string;
  csrf: string;
  /** Epoch ms. */
  expiresAt: number;
}

export interface ConnectLinksOptions {
  store: StorePort;
  /** The names of the records links are kept under, and the users' slots (keyed, so none can be guessed). */
  records: StoreRecords;
  ttlMs: number;
  /**
   * Fleet-wide cap on links created per link lifetime (counted over the current and the previous lifetime-long
   * window, so at most this many are outstanding at any time); past it callers are told to try again later.
   */
  maxPending: number;
  now: () => number;
}

/** Length of a slot and of a nonce in a link id: base64url of 32 bytes. */
const PART = 43;
const LINK_ID = new RegExp(`^[A-Za-z0-9_-]{${PART * 2}}$`);
/** The slot half of a well-formed link id, or undefined. */
export function slotOfLinkId(id: string): string | undefined {
  return LINK_ID.test(id) ? id.slice(0, PART) : undefined;
}

/** Whether `id` has the shape of a link id (a slot and a nonce). */
export const isLinkId = (id: string): boolean => LINK_ID.test(id);

/**
 * The connect links of every user, bounded by construction: a user's link lives under a slot derived from the user
 * (a keyed hash), so a user has at most one; asking again hands out the same link until it is spent or nearly
 * expired; and the links created fleet-wide per lifetime are capped. A link id is the slot and a random nonce:
 * single use comes from taking the record, and a spent link's nonce never matches the next one.
 */
export class ConnectLinks {
  readonly #o: ConnectLinksOptions;
  readonly #issuing = new Map<string, Promise<string>>();

  constructor(options: ConnectLinksOptions) {
    this.#o = options;
  }

  /** The user's outstanding link id, or a new one; concurrent calls for one user share one answer. */
  issue(userKey: string, who: LinkIdentity): Promise<string> {
    const slot = this.#o.records.slot(userKey);
    let flight = this.#issuing.get(slot);
    if (!flight) {
      flight = this.#issue(slot, userKey, who).finally(() => this.#issuing.delete(slot));
      this.#issuing.set(slot, flight);
    }
    return flight;
  }

  async #issue(slot: string, userKey: string, who: LinkIdentity): Promise<string> {
    const { store, records, ttlMs, now } = this.#o;
    // Hand out a link only while a person still has time to use it.
    const margin = Math.min(60_000, ttlMs / 5);
    for (let attempt = 0; attempt < 3; attempt++) {
      const current = await store.get<LinkRecord>(records.link(slot));
      if (current && sameSecret(current.userKey, userKey) && current.expiresAt - now() > margin) {
        return slot + current.nonce;
      }
      await this.#reserve();
      // A nearly expired link gives way to a fresh one; another process may do the same, and then one add wins.
      if (current) await store.delete(records.link(slot));
      const record: LinkRecord = { userKey, who, nonce: randomToken(), csrf: randomToken(), expiresAt: 0 };
      record.expiresAt = now() + ttlMs;
      if (await store.add(records.link(slot), record, ttlMs)) return slot + record.nonce;
    }
    throw new Error('could not create a connect link: its slot stays taken');
  }

  /** Counts a new link against the fleet-wide cap, or refuses with a message for the user. */
  async #reserve(): Promise<void> {
    const { store, records, ttlMs, maxPending, now } = this.#o;
    const count = store.withLock(records.linkCountLock, { ttlMs: 5_000, waitMs: 5_000 }, async () => {
      const window = Math.floor(now() / ttlMs);
      const current = (await store.get<number>(records.linkCount(window))) ?? 0;
      const previous = (await store.get<number>(records.linkCount(window - 1))) ?? 0;
      if (current + previous >= maxPending) {
        throw new NotConnectedError(
          `Too many people are connecting to this server right now, so no connect link can be made. Try again in ${Math.ceil(ttlMs / 60_000)} minutes.`,
          'busy',
        );
      }
      await store.set(records.linkCount(window), current + 1, ttlMs * 2);
    });
    await count.catch((error: unknown) => {
      if (!(error instanceof LockTimeoutError)) throw error;
      throw new NotConnectedError(
        'This server is busy making connect links for many people at once. Try again in a few seconds.',
        'busy',
      );
    });
  }

  /** The outstanding link with this id, without using it. */
  async find(id: string): Promise<LinkRecord | undefined> {
    const slot = slotOfLinkId(id);
    if (!slot) return undefined;
    const record = await this.#o.store.get<LinkRecord>(this.#o.records.link(slot));
    return record && sameSecret(record.nonce, id.slice(PART)) && record.expiresAt > this.#o.now()
      ? record
      : undefined;
  }

  /** Uses the link up: of concurrent spenders exactly one gets the record; a spent or unknown id gets undefined. */
  async spend(id: string): Promise<LinkRecord | undefined> {
    const slot = slotOfLinkId(id);
    if (!slot) return undefined;
    const nonce = id.slice(PART);
    return takeMatching<LinkRecord>(
      this.#o.store,
      this.#o.records.link(slot),
      (r) => sameSecret(r.nonce, nonce),
      this.#o.now,
    );
  }
}

/**
 * Takes the single-use record under `key` only if it is the one the caller holds a secret for. It is read first, so
 * a stale or guessed secret never disturbs the current record; if another replaced it between the read and the
 * take, the newer one is put back (unless yet another took its place). Of concurrent takers, one gets it.
 */
export async function takeMatching<T extends { expiresAt: number }>(
  store: StorePort,
  key: string,
  matches: (record: T) => boolean,
  now: () => number,
): Promise<T | undefined> {
  const seen = await store.get<T>(key);
  if (!seen || !matches(seen)) return undefined;
  const taken = await store.take<T>(key);
  if (!taken) return undefined;
  if (matches(taken)) return taken;
  const left = taken.expiresAt - now();
  if (left > 0) await store.add(key, taken, left);
  return undefined;
}
