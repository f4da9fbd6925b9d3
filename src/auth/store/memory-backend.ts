import { Keyv } from 'keyv';
import type { Backend } from './types.js';

interface Entry {
  value?: string;
  expires?: number | undefined;
}

const SWEEP_INTERVAL_MS = 60_000;

const live = (entry: Entry | undefined, now = Date.now()): entry is Entry =>
  entry !== undefined && (entry.expires === undefined || entry.expires > now);

/**
 * One process's store, for development and tests. Keyv over a Map holds the values; with serialisation turned off
 * the Map holds Keyv's `{ value, expires }` records, which take and add read and write synchronously, which is what
 * makes them atomic here (one thread, no await between the read and the write).
 */
export function createMemoryBackend(): Backend {
  const map = new Map<string, Entry>();
  const locks = new Map<string, { token: string; expires: number }>();
  const keyv = new Keyv<string>({
    store: map,
    namespace: undefined,
    useKeyPrefix: false,
    serialize: undefined,
    deserialize: undefined,
    throwOnErrors: true,
  });
  // Keyv only drops an expired record when it is read; single-use records that are never read would pile up.
  const sweeper = setInterval(() => {
    const now = Date.now();
    for (const [key, entry] of map) if (!live(entry, now)) map.delete(key);
    for (const [key, lock] of locks) if (lock.expires <= now) locks.delete(key);
  }, SWEEP_INTERVAL_MS);
  sweeper.unref();

  return {
    kind: 'memory',
    async get(key) {
      return keyv.get(key);
    },
    async set(key, value, ttlMs) {
      await keyv.set(key, value, ttlMs);
    },
    async delete(key) {
      // Keyv reports true for a record that has expired but not been swept; the contract says absent.
      const existed = live(map.get(key));
      await keyv.delete(key);
      return existed;
    },
    async take(key) {
      const entry = map.get(key);
      map.delete(key);
      return live(entry) ? entry.value : undefined;
    },
    async add(key, value, ttlMs) {
      if (live(map.get(key))) return false;
      map.set(key, { value, expires: ttlMs === undefined ? undefined : Date.now() + ttlMs });
      return true;
    },
    async acquireLock(key, token, ttlMs) {
      const held = locks.get(key);
      if (held && held.expires > Date.now()) return false;
      locks.set(key, { token, expires: Date.now() + ttlMs });
      return true;
    },
    async releaseLock(key, token) {
      if (locks.get(key)?.token !== token) return false;
      return locks.delete(key);
    },
    async close() {
      clearInterval(sweeper);
      map.clear();
      locks.clear();
    },
  };
}
