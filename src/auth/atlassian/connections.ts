import type { StoreRecords } from '../records.js';
import { NotConnectedError } from '../session.js';
import { StoreUnavailableError } from '../store/index.js';
import { type AtlassianOAuth, type AtlassianSite, InvalidGrantError, type TokenSet } from './oauth-client.js';
import type { StorePort } from './store-port.js';

/** One user's Atlassian connection as stored (encrypted at rest by the store). */
export interface ConnectionRecord {
  v: 1;
  account?: { accountId?: string; name?: string; email?: string };
  sites: AtlassianSite[];
  scopes: string[];
  accessToken: string;
  /** Epoch ms. */
  accessExpiresAt: number;
  refreshToken?: string;
  createdAt: number;
  refreshedAt: number;
}

export interface ConnectionManagerOptions {
  store: StorePort;
  oauth: AtlassianOAuth;
  /** The names of the records a connection is kept under. */
  records: StoreRecords;
  /** Refresh this long before expiry: the gateway may answer 403 or 404, not 401, for an expired token. */
  skewMs?: number;
  now?: () => number;
  /** How long a refresh may hold the per-user lock; longer than the token request's timeout. */
  lockTtlMs?: number;
  /** How long another caller waits for that lock before giving up. */
  lockWaitMs?: number;
  /** Told how each token refresh this process makes ends (metrics). */
  onRefresh?: ((outcome: 'ok' | 'invalid_grant' | 'failed') => void) | undefined;
}

// Atlassian ends a refresh-token family after 90 days unused or 365 days in all; so does the stored record.
const INACTIVITY_MS = 90 * 86_400_000;
const ABSOLUTE_MS = 365 * 86_400_000;
/** Users whose last-known record is kept for a store outage. */
const MAX_LAST_KNOWN = 10_000;

/**
 * Keeps each user's Atlassian connection: stores it, hands out a current access token, and refreshes it once per
 * user at a time across every process (single flight here, a store lock across processes), persisting the rotated
 * refresh token before anyone uses the new access token.
 */
export class ConnectionManager {
  readonly #o: Required<Omit<ConnectionManagerOptions, 'store' | 'oauth' | 'records' | 'onRefresh'>> &
    ConnectionManagerOptions;
  readonly #inflight = new Map<string, Promise<ConnectionRecord>>();
  /**
   * The record each recent user last had in the store, used only while the store cannot be reached and only while
   * its access token is fresh: a restart of Redis does not fail every call. Bounded, oldest out first.
   */
  readonly #lastKnown = new Map<string, ConnectionRecord>();

  constructor(options: ConnectionManagerOptions) {
    this.#o = { skewMs: 60_000, now: Date.now, lockTtlMs: 30_000, lockWaitMs: 20_000, ...options };
  }

  #key(userKey: string): string {
    return this.#o.records.connection(userKey);
  }

  #ttl(record: ConnectionRecord): number {
    const now = this.#o.now();
    return Math.max(1000, Math.min(INACTIVITY_MS, record.createdAt + ABSOLUTE_MS - now));
  }

  async get(userKey: string): Promise<ConnectionRecord | undefined> {
    let record: ConnectionRecord | undefined;
    try {
      record = await this.#o.store.get<ConnectionRecord>(this.#key(userKey));
    } catch (error) {
      const known = this.#lastKnown.get(userKey);
      if (error instanceof StoreUnavailableError && known && this.fresh(known)) return known;
      throw error;
    }
    this.#remember(userKey, record);
    return record;
  }

  #remember(userKey: string, record: ConnectionRecord | undefined): void {
    this.#lastKnown.delete(userKey);
    if (!record) return;
    this.#lastKnown.set(userKey, record);
    if (this.#lastKnown.size > MAX_LAST_KNOWN) {
      const oldest = this.#lastKnown.keys().next().value as string;
      this.#lastKnown.delete(oldest);
    }
  }

  /** Stores a new connection from a completed consent; replaces any earlier one. */
  async save(
    userKey: string,
    tokens: TokenSet,
    sites: AtlassianSite[],
    account?: ConnectionRecord['account'],
  ): Promise<ConnectionRecord> {
    const now = this.#o.now();
    const record: ConnectionRecord = {
      v: 1,
      sites,
      scopes: tokens.scopes,
      accessToken: tokens.accessToken,
      accessExpiresAt: tokens.expiresAt,
      createdAt: now,
      refreshedAt: now,
      ...(tokens.refreshToken ? { refreshToken: tokens.refreshToken } : {}),
      ...(account ? { account } : {}),
    };
    await this.#o.store.set(this.#key(userKey), record, this.#ttl(record));
    this.#remember(userKey, record);
    return record;
  }

  /** Forgets a connection (Atlassian has no revocation endpoint; the user revokes the app in their account). */
  disconnect(userKey: string): Promise<boolean> {
    this.#remember(userKey, undefined);
    return this.#o.store.delete(this.#key(userKey));
  }

  /** Whether a record's access token is still good for a while. */
  fresh(record: ConnectionRecord): boolean {
    return record.accessExpiresAt - this.#o.skewMs > this.#o.now();
  }

  /**
   * The record with an access token good for at least the skew: the given one if fresh, else refreshed. Concurrent
   * callers for one user share one refresh; other processes wait on the store lock and then read the result.
   */
  current(userKey: string, known?: ConnectionRecord): Promise<ConnectionRecord> {
    if (known && this.fresh(known)) return Promise.resolve(known);
    let flight = this.#inflight.get(userKey);
    if (!flight) {
      flight = this.#refresh(userKey)
        .then((record) => {
          this.#remember(userKey, record);
          return record;
        })
        .finally(() => this.#inflight.delete(userKey));
      this.#inflight.set(userKey, flight);
    }
    return flight;
  }

  async #refresh(userKey: string): Promise<ConnectionRecord> {
    const key = this.#key(userKey);
    const { store, oauth, lockTtlMs, lockWaitMs } = this.#o;
    return store.withLock(
      this.#o.records.refreshLock(userKey),
      { ttlMs: lockTtlMs, waitMs: lockWaitMs },
      async () => {
        // Read again under the lock: another process may have refreshed while this one waited.
        const record = await store.get<ConnectionRecord>(key);
        if (!record) throw new NotConnectedError('You have not connected an Atlassian account yet.', 'none');
        if (this.fresh(record)) return record;
        if (!record.refreshToken) {
          throw new NotConnectedError(
            'Your Atlassian connection has expired and cannot be renewed.',
            'expired',
          );
        }
        let tokens: TokenSet;
        try {
          tokens = await oauth.refresh(record.refreshToken);
          this.#o.onRefresh?.('ok');
        } catch (error) {
          this.#o.onRefresh?.(error instanceof InvalidGrantError ? 'invalid_grant' : 'failed');
          if (error instanceof InvalidGrantError) {
            // Never retried: the grant is dead (revoked, expired, or rotated away). Only a new consent helps.
            await store.delete(key);
            throw new NotConnectedError(
              'Atlassian has ended your connection (revoked or expired).',
              'revoked',
            );
          }
          throw error;
        }
        const next: ConnectionRecord = {
          ...record,
          accessToken: tokens.accessToken,
          accessExpiresAt: tokens.expiresAt,
          scopes: tokens.scopes.length ? tokens.scopes : record.scopes,
          refreshedAt: this.#o.now(),
          ...(tokens.refreshToken ? { refreshToken: tokens.refreshToken } : {}),
        };
        // Persisted before it is returned: the old refresh token is now rotated, so losing the new one would cost the
        // user their connection (Atlassian's 10-minute reuse leeway is the only cover if this write fails).
        await store.set(key, next, this.#ttl(next));
        return next;
      },
    );
  }
}
