import { setTimeout as sleep } from 'node:timers/promises';
import { createClient, createCluster, type RedisClientType, type RedisClusterType } from '@keyv/redis';
import { StoreUnavailableError } from './store-unavailable-error.js';

export type RedisClient = RedisClientType;
export type RedisCluster = RedisClusterType;

export interface RedisConnectionOptions {
  connectTimeoutMs: number;
  maxReconnectDelayMs: number;
  onConnectionError?: ((reason: string) => void) | undefined;
}

/** A node-redis client (or cluster) set up to fail fast while Redis is away and to reconnect by itself. */
export interface RedisConnection {
  readonly kind: 'redis' | 'redis-cluster';
  readonly client: RedisClient | RedisCluster;
  /** Connects, or reconnects a cluster that lost its topology; StoreUnavailableError within connectTimeoutMs. */
  connect(): Promise<void>;
  close(): Promise<void>;
}

/** A reason for an error from node-redis or the socket that names no host, key or credential. */
export function redisFailureReason(error: unknown): string {
  if (error instanceof StoreUnavailableError) return error.reason;
  if (!(error instanceof Error)) return 'unexpected failure';
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && /^[A-Z0-9_]+$/.test(code)) return code;
  // node-redis's error classes keep the name 'Error'; their constructors are what tell them apart.
  const type = error.constructor.name;
  switch (type) {
    case 'ClientOfflineError':
      return 'not connected to Redis (reconnecting)';
    case 'ClientClosedError':
      return 'the Redis client is closed';
    case 'ConnectionTimeoutError':
      return 'connecting to Redis timed out';
    case 'SocketClosedUnexpectedlyError':
      return 'the Redis connection closed';
    case 'SocketTimeoutError':
      return 'the Redis connection went silent';
    case 'RootNodesUnavailableError':
      return 'no Redis cluster node reachable';
    case 'TimeoutError':
      return 'Redis did not answer in time';
    case 'ErrorReply':
    case 'SimpleError':
    case 'BlobError': {
      // A reply's first word is its code (NOAUTH, WRONGPASS, READONLY, OOM, CROSSSLOT...); the rest is not needed.
      const reply = /^[A-Z][A-Z_-]{1,31}\b/.exec(error.message)?.[0];
      return reply ? `Redis replied ${reply}` : 'Redis replied with an error';
    }
  }
  if (error.message.startsWith('Redis client is not connected')) return 'not connected to Redis';
  return type === 'Error' ? 'unexpected Redis failure' : type;
}

function reconnectStrategy(maxDelayMs: number) {
  // Never give up: when Redis comes back, the same client serves again without a restart.
  return (retries: number): number =>
    Math.max(10, Math.round(Math.min(50 * 2 ** retries, maxDelayMs) * (0.75 + Math.random() / 2)));
}

/** Waits for `connect` but gives up at the first connection error or after timeoutMs. */
async function firstConnect(
  connect: () => Promise<unknown>,
  target: {
    once(event: 'error', fn: (e: unknown) => void): unknown;
    off(event: 'error', fn: (e: unknown) => void): unknown;
  },
  timeoutMs: number,
): Promise<void> {
  let onError = (_error: unknown): void => {};
  let timer: NodeJS.Timeout | undefined;
  const failed = new Promise<never>((_, reject) => {
    onError = (error) => reject(new StoreUnavailableError(redisFailureReason(error)));
    target.once('error', onError);
    timer = setTimeout(() => reject(new StoreUnavailableError('connecting to Redis timed out')), timeoutMs);
  });
  try {
    await Promise.race([connect(), failed]);
  } finally {
    clearTimeout(timer);
    target.off('error', onError);
  }
}

function singleNode(url: string, options: RedisConnectionOptions): RedisConnection {
  const client = createClient({
    url,
    // Commands issued while disconnected reject at once instead of waiting in node-redis's offline queue.
    disableOfflineQueue: true,
    socket: {
      connectTimeout: options.connectTimeoutMs,
      reconnectStrategy: reconnectStrategy(options.maxReconnectDelayMs),
    },
  });
  // An 'error' event without a listener would crash the process; the reason is all anyone needs.
  client.on('error', (error: unknown) => options.onConnectionError?.(redisFailureReason(error)));
  return {
    kind: 'redis',
    client,
    async connect() {
      if (client.isOpen) return;
      const started = client.connect();
      started.catch(() => {});
      await firstConnect(() => started, client, options.connectTimeoutMs);
    },
    async close() {
      if (!client.isOpen) return;
      if (client.isReady) await client.close().catch(() => client.isOpen && client.destroy());
      else client.destroy();
    },
  };
}

/** Parses `redis+cluster://[user:pass@]host:port,host:port` (or `rediss+cluster://` for TLS) into root nodes. */
export function parseClusterUrl(url: string): {
  tls: boolean;
  username?: string;
  password?: string;
  nodes: Array<{ host: string; port: number }>;
} {
  const match = /^(rediss?)\+cluster:\/\/(?:([^@/]*)@)?([^/?#]+)\/?$/.exec(url);
  if (!match) throw new TypeError('a Redis Cluster URL looks like redis+cluster://host1:6379,host2:6379');
  const [, scheme, auth, hostList = ''] = match;
  const nodes = hostList.split(',').map((hostPort) => {
    const parsed = /^(\[[0-9a-fA-F:]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(hostPort.trim());
    if (!parsed?.[1]) throw new TypeError('each Redis Cluster node must be host or host:port');
    return { host: parsed[1].replace(/^\[(.*)\]$/, '$1'), port: Number(parsed[2] ?? 6379) };
  });
  const result: ReturnType<typeof parseClusterUrl> = { tls: scheme === 'rediss', nodes };
  if (auth) {
    const colon = auth.indexOf(':');
    const username = decodeURIComponent(colon < 0 ? auth : auth.slice(0, colon));
    if (username) result.username = username;
    if (colon >= 0) result.password = decodeURIComponent(auth.slice(colon + 1));
  }
  return result;
}

function cluster(url: string, options: RedisConnectionOptions): RedisConnection {
  const { tls, username, password, nodes } = parseClusterUrl(url);
  const client = createCluster({
    rootNodes: nodes.map(({ host, port }) => ({ socket: { host, port } })),
    defaults: {
      ...(username ? { username } : {}),
      ...(password ? { password } : {}),
      disableOfflineQueue: true,
      socket: {
        ...(tls ? { tls: true as const } : {}),
        connectTimeout: options.connectTimeoutMs,
        reconnectStrategy: reconnectStrategy(options.maxReconnectDelayMs),
      },
    },
  });
  const report = (error: unknown) => options.onConnectionError?.(redisFailureReason(error));
  client.on('error', report);
  client.on('node-error', report);
  let connecting: Promise<void> | undefined;
  // node-redis's own connect, which goes on after firstConnect gives up on it.
  let discovery: Promise<unknown> | undefined;
  const discover = () => {
    const started = client.connect();
    discovery = started;
    started
      .catch(() => {})
      .finally(() => {
        if (discovery === started) discovery = undefined;
      });
    return started;
  };
  return {
    kind: 'redis-cluster',
    client,
    async connect() {
      if (client.isOpen) return;
      // Topology discovery does not retry (RootNodesUnavailableError), so a later operation tries again.
      connecting ??= firstConnect(discover, client, options.connectTimeoutMs).finally(() => {
        connecting = undefined;
      });
      await connecting;
    },
    async close() {
      const pending = discovery;
      if (client.isOpen) client.destroy();
      if (!pending) return;
      // A discovery under way when destroyed still connects the nodes it then finds, and nothing would close them
      // (they reconnect for ever and keep the process alive): destroy again once it has settled. It may never settle
      // (a node that accepted and went silent, a master that is down), so after a connection's time destroy what it
      // has opened so far as well; it settles once its clients are gone, and the late destroy takes the rest.
      const settled = pending.catch(() => {}).then(() => client.destroy());
      await Promise.race([settled, sleep(options.connectTimeoutMs, undefined, { ref: false })]);
      client.destroy();
    },
  };
}

/** Creates (without connecting) the connection for a `redis:`, `rediss:` or `redis(s)+cluster:` URL. */
export function createRedisConnection(url: string, options: RedisConnectionOptions): RedisConnection {
  if (/^rediss?\+cluster:/.test(url)) return cluster(url, options);
  // Node's own URL error carries the input, password included: refuse before anything parses it.
  if (!URL.canParse(url))
    throw new TypeError('a Redis URL looks like redis://[user:password@]host:port[/db]');
  return singleNode(url, options);
}
