/**
 * What the OAuth layer needs from the token store: an encrypted key-value store with single-use reads and a lock
 * shared by every process. The store module implements it; tests may use any implementation.
 */
export interface StorePort {
  get<T>(key: string): Promise<T | undefined>;
  set<T>(key: string, value: T, ttlMs?: number): Promise<void>;
  delete(key: string): Promise<boolean>;
  /** Reads and deletes atomically: of concurrent takers, exactly one gets the value. */
  take<T>(key: string): Promise<T | undefined>;
  /** Sets only if absent, atomically across processes; true when it set. */
  add<T>(key: string, value: T, ttlMs?: number): Promise<boolean>;
  withLock<T>(name: string, options: { ttlMs: number; waitMs: number }, fn: () => Promise<T>): Promise<T>;
}
