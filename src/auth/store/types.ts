import type { CorruptReason } from './cipher.js';
import type { EncryptionKeyring } from './keys.js';

/** Where the server keeps per-user OAuth connections and single-use records, encrypted, shared by every process. */
export interface SecretStore {
  /** Decrypted value, or undefined when absent or expired. */
  get<T>(key: string): Promise<T | undefined>;
  set<T>(key: string, value: T, ttlMs?: number): Promise<void>;
  delete(key: string): Promise<boolean>;
  /**
   * Reads and deletes in one atomic step (single-use records such as OAuth state): of N concurrent takers across
   * processes, exactly one gets the value. Redis: GETDEL.
   */
  take<T>(key: string): Promise<T | undefined>;
  /** Sets only if absent; true when it set. Redis: SET NX PX. */
  add<T>(key: string, value: T, ttlMs?: number): Promise<boolean>;
  /**
   * Runs fn while holding a named lock shared by every process using this store; waiters give up after waitMs with
   * LockTimeoutError. The lock expires after ttlMs if the holder dies, so ttlMs must exceed fn's longest run.
   */
  withLock<T>(name: string, options: { ttlMs: number; waitMs: number }, fn: () => Promise<T>): Promise<T>;
  /** For tests and health: 'memory' | 'redis' | 'redis-cluster' | 'file'. */
  readonly kind: string;
  close(): Promise<void>;
}

/** A value that was present but could not be decrypted; it is reported, then treated as absent. */
export interface CorruptValueEvent {
  /** The logical key the caller used (already a hash for user records). */
  key: string;
  reason: CorruptReason;
}

export interface SecretStoreOptions {
  /** Encryption keys, usually parseEncryptionKeys(process.env.CONFLUENCE_MCP_ENCRYPTION_KEYS). */
  keys: EncryptionKeyring;
  /** Prefix of every record's key, so several deployments can share a Redis. Default `cmcp`. */
  namespace?: string;
  /** Told about values that fail to decrypt (unknown key id, tampering, a value moved to another key). */
  onCorrupt?: (event: CorruptValueEvent) => void;
  /** Redis: an operation fails with StoreUnavailableError when Redis has not answered within this. Default 1500. */
  operationTimeoutMs?: number;
  /** Redis: the longest wait for a TCP connection, at open and on each reconnection attempt. Default 2000. */
  connectTimeoutMs?: number;
  /** Redis: the longest pause between reconnection attempts while Redis is down. Default 1000. */
  maxReconnectDelayMs?: number;
  /** Redis: told about connection trouble, with a reason free of secrets (for logs and health). */
  onConnectionError?: (reason: string) => void;
  /** File: how long an operation waits for another process to release the store file. Default 5000. */
  fileLockWaitMs?: number;
}

/**
 * The raw storage under a SecretStore: full (namespaced) keys, opaque string values, every operation on one key
 * and atomic across every process sharing the storage. Locks live apart from values.
 */
export interface Backend {
  readonly kind: string;
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  delete(key: string): Promise<boolean>;
  take(key: string): Promise<string | undefined>;
  add(key: string, value: string, ttlMs?: number): Promise<boolean>;
  /** Takes the lock `key` for `token` unless someone holds it; it lapses after ttlMs. */
  acquireLock(key: string, token: string, ttlMs: number): Promise<boolean>;
  /** Frees the lock `key` only if `token` still holds it. */
  releaseLock(key: string, token: string): Promise<boolean>;
  close(): Promise<void>;
}
