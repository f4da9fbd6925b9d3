import KeyvRedis, { Keyv } from '@keyv/redis';
import { createRedisConnection, type RedisConnection, redisFailureReason } from './redis-connection.js';
import { StoreUnavailableError } from './store-unavailable-error.js';
import type { Backend } from './types.js';

export interface RedisBackendOptions {
  operationTimeoutMs: number;
  connectTimeoutMs: number;
  maxReconnectDelayMs: number;
  onConnectionError?: ((reason: string) => void) | undefined;
}

// Compare-and-delete: only the holder's token frees a lock, so a holder whose lock lapsed cannot free the next one.
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

/** The subset of node-redis commands used beside Keyv; both the single client and the cluster client have them. */
interface RawCommands {
  get(key: string): Promise<string | null>;
  getDel(key: string): Promise<string | null>;
  set(
    key: string,
    value: string,
    options: { condition: 'NX'; expiration?: { type: 'PX'; value: number } },
  ): Promise<string | null>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

/**
 * Redis (single node or cluster). set/delete go through Keyv and @keyv/redis; get (GET), take (GETDEL), add (SET NX
 * PX) and the lock commands go to the node-redis client underneath, in Keyv's own record format, so that either
 * path reads what the other wrote. Every operation fails with StoreUnavailableError when Redis is unreachable
 * (immediately: no offline queue) or silent (after operationTimeoutMs).
 */
export async function openRedisBackend(url: string, options: RedisBackendOptions): Promise<Backend> {
  const connection = createRedisConnection(url, options);
  try {
    await connection.connect();
  } catch (error) {
    // A connection still trying in the background would keep the process alive and its sockets open.
    await connection.close();
    throw error;
  }
  const adapter = new KeyvRedis<string>(connection.client, {
    throwOnErrors: true,
    throwOnConnectError: true,
  });
  const keyv = new Keyv<string>({
    store: adapter,
    namespace: undefined,
    useKeyPrefix: false,
    throwOnErrors: true,
  });
  const raw: RawCommands = connection.client;
  return redisBackend(connection, keyv, raw, options.operationTimeoutMs);
}

function redisBackend(
  connection: RedisConnection,
  keyv: Keyv<string>,
  raw: RawCommands,
  timeoutMs: number,
): Backend {
  const serialize = async (value: string, ttlMs: number | undefined): Promise<string> => {
    const data = { value, expires: ttlMs === undefined ? undefined : Date.now() + ttlMs };
    return keyv.serialize ? await keyv.serialize(data) : JSON.stringify(data);
  };
  const deserialize = async (text: string | null): Promise<string | undefined> => {
    if (text === null) return undefined;
    let data: { value?: unknown; expires?: unknown } | undefined;
    try {
      // Keyv's deserializer may throw at once (JSON.parse) or reject: either way the record is not one of ours.
      data = keyv.deserialize ? await keyv.deserialize<string>(text) : undefined;
    } catch {
      return undefined;
    }
    if (typeof data?.expires === 'number' && data.expires <= Date.now()) return undefined;
    return typeof data?.value === 'string' ? data.value : undefined;
  };

  /** Runs one Redis operation, mapping every failure and every silence longer than timeoutMs. */
  const guard = async <T>(operation: () => Promise<T>): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const silence = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new StoreUnavailableError(`Redis did not answer within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      // A cluster that lost its topology reconnects here; a single node reconnects by itself in the background.
      return await Promise.race([connection.connect().then(operation), silence]);
    } catch (error) {
      throw error instanceof StoreUnavailableError
        ? error
        : new StoreUnavailableError(redisFailureReason(error));
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    kind: connection.kind,
    // Read as take reads: a record in some other shape (not Keyv's JSON) is absent, not a store outage.
    get: (key) => guard(async () => deserialize(await raw.get(key))),
    set: (key, value, ttlMs) =>
      guard(async () => {
        await keyv.set(key, value, ttlMs);
      }),
    delete: (key) => guard(() => keyv.delete(key)),
    take: (key) => guard(async () => deserialize(await raw.getDel(key))),
    add: (key, value, ttlMs) =>
      guard(async () => {
        const record = await serialize(value, ttlMs);
        const expiration = ttlMs === undefined ? {} : { expiration: { type: 'PX' as const, value: ttlMs } };
        return (await raw.set(key, record, { condition: 'NX', ...expiration })) === 'OK';
      }),
    acquireLock: (key, token, ttlMs) =>
      guard(
        async () =>
          (await raw.set(key, token, { condition: 'NX', expiration: { type: 'PX', value: ttlMs } })) === 'OK',
      ),
    releaseLock: (key, token) =>
      guard(async () => (await raw.eval(RELEASE, { keys: [key], arguments: [token] })) === 1),
    close: () => connection.close(),
  };
}
