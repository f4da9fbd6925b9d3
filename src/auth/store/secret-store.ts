import { type CorruptReason, seal, unseal } from './cipher.js';
import { LockCoordinator } from './lock.js';
import { StoreUnavailableError } from './store-unavailable-error.js';
import type { Backend, SecretStore, SecretStoreOptions } from './types.js';

export const DEFAULT_NAMESPACE = 'cmcp';
const NAMESPACE = /^[A-Za-z0-9_.-]{1,64}$/;
const MAX_KEY_LENGTH = 512;
/** Records whose decrypted form is kept for their next read (see `opened`): a few hundred kilobytes at most. */
const OPENED_RECORDS = 1024;

type Unsealed = { ok: true; plaintext: string } | { ok: false; reason: CorruptReason };

function checkKey(key: string, what: string): void {
  if (typeof key !== 'string' || key === '' || key.length > MAX_KEY_LENGTH) {
    throw new TypeError(`${what} must be a non-empty string of at most ${MAX_KEY_LENGTH} characters`);
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (/[\u0000-\u001f\u007f\s]/.test(key))
    throw new TypeError(`${what} must not contain spaces or control characters`);
}

function checkTtl(ttlMs: number | undefined): number | undefined {
  if (ttlMs === undefined) return undefined;
  if (!Number.isFinite(ttlMs) || ttlMs <= 0)
    throw new RangeError('ttlMs must be a positive number of milliseconds');
  return Math.ceil(ttlMs);
}

function encode(value: unknown): Buffer {
  const json = JSON.stringify(value);
  if (json === undefined)
    throw new TypeError('store values must be JSON-serialisable (not undefined or a function)');
  return Buffer.from(json, 'utf8');
}

/**
 * Wraps a backend in the SecretStore contract: logical keys under `<namespace>:kv:` (locks under
 * `<namespace>:lock:`), values JSON-encoded then sealed with AES-256-GCM bound to their full key, and values that
 * do not decrypt reported to onCorrupt and treated as absent.
 */
export function createSecretStore(backend: Backend, options: SecretStoreOptions): SecretStore {
  const { keys, onCorrupt } = options;
  const namespace = options.namespace ?? DEFAULT_NAMESPACE;
  if (!NAMESPACE.test(namespace)) throw new TypeError('namespace must be 1-64 of A-Z a-z 0-9 _ . -');
  const fullKey = (key: string): string => {
    checkKey(key, 'store key');
    return `${namespace}:kv:${key}`;
  };
  const locks = new LockCoordinator(backend, (name) => {
    checkKey(name, 'lock name');
    return `${namespace}:lock:${name}`;
  });
  let closed = false;
  const open = (): void => {
    if (closed) throw new StoreUnavailableError('the store is closed');
  };

  // The plaintext of the envelope each record last held: reading a record again unchanged (a user's connection, on
  // every call) skips the decryption. Keyed by the envelope itself, so a changed record misses, and bounded.
  const opened = new Map<string, { envelope: string; plaintext: string }>();
  const unsealed = (full: string, envelope: string, remember: boolean): Unsealed => {
    const known = opened.get(full);
    if (known?.envelope === envelope) return { ok: true, plaintext: known.plaintext };
    const result = unseal(keys, full, envelope);
    if (!result.ok) return result;
    const plaintext = result.plaintext.toString('utf8');
    if (!remember) return { ok: true, plaintext };
    if (!known && opened.size >= OPENED_RECORDS) opened.delete(opened.keys().next().value as string);
    opened.set(full, { envelope, plaintext });
    return { ok: true, plaintext };
  };

  const decode = <T>(
    key: string,
    full: string,
    envelope: string | undefined,
    remember = true,
  ): T | undefined => {
    if (envelope === undefined) return undefined;
    const result = unsealed(full, envelope, remember);
    if (!result.ok) {
      onCorrupt?.({ key, reason: result.reason });
      return undefined;
    }
    try {
      return JSON.parse(result.plaintext) as T;
    } catch {
      onCorrupt?.({ key, reason: 'malformed' });
      return undefined;
    }
  };

  return {
    kind: backend.kind,
    async get<T>(key: string) {
      open();
      const full = fullKey(key);
      return decode<T>(key, full, await backend.get(full));
    },
    async set<T>(key: string, value: T, ttlMs?: number) {
      open();
      const full = fullKey(key);
      await backend.set(full, seal(keys, full, encode(value)), checkTtl(ttlMs));
    },
    async delete(key: string) {
      open();
      const full = fullKey(key);
      opened.delete(full);
      return backend.delete(full);
    },
    async take<T>(key: string) {
      open();
      const full = fullKey(key);
      // A taken record is gone: its plaintext is not kept for a read that cannot come.
      opened.delete(full);
      return decode<T>(key, full, await backend.take(full), false);
    },
    async add<T>(key: string, value: T, ttlMs?: number) {
      open();
      const full = fullKey(key);
      return backend.add(full, seal(keys, full, encode(value)), checkTtl(ttlMs));
    },
    async withLock<T>(name: string, lockOptions: { ttlMs: number; waitMs: number }, fn: () => Promise<T>) {
      open();
      return locks.run(name, lockOptions, fn);
    },
    async close() {
      if (closed) return;
      closed = true;
      await backend.close();
    },
  };
}
