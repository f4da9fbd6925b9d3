// The Redis connection on its own: the options every client gets (fail fast while disconnected, a bounded and
// jittered reconnect delay, the connect timeout), the first connect against servers that refuse or stay silent, and
// closing in each state. Most tests need no Redis: a TCP server in the test plays the part.
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRedisConnection, type RedisConnection } from '../../../src/auth/store/redis-connection.js';
import { StoreUnavailableError } from '../../../src/auth/store/store-unavailable-error.js';
import { describeWithRedis, redisUrl } from '../../support/redis.js';

const servers: Server[] = [];
const sockets: Socket[] = [];
const connections: RedisConnection[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(connections.splice(0).map((c) => c.close().catch(() => {})));
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(servers.splice(0).map((s) => new Promise((done) => s.close(done))));
});

/** A TCP server that counts connections and either hangs up at once or keeps them open saying nothing. */
async function tcpServer(behaviour: 'hang-up' | 'silent') {
  let accepted = 0;
  const server = createServer((socket) => {
    accepted += 1;
    sockets.push(socket);
    socket.on('error', () => {});
    if (behaviour === 'hang-up') socket.destroy();
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return { port, accepted: () => accepted };
}

function connection(url: string, options: { connectTimeoutMs?: number; maxReconnectDelayMs?: number } = {}) {
  const reasons: string[] = [];
  const made = createRedisConnection(url, {
    connectTimeoutMs: options.connectTimeoutMs ?? 2_000,
    maxReconnectDelayMs: options.maxReconnectDelayMs ?? 1_000,
    onConnectionError: (reason) => reasons.push(reason),
  });
  connections.push(made);
  return { connection: made, reasons };
}

interface SocketOptions {
  connectTimeout?: number;
  reconnectStrategy?: (retries: number, cause: Error) => number | Error | false;
  tls?: boolean;
  host?: string;
  port?: number;
}

describe('the options of a single-node client', () => {
  it('rejects commands while disconnected instead of queueing them, and uses the connect timeout', () => {
    const { connection: c } = connection('redis://127.0.0.1:1', { connectTimeoutMs: 1_234 });
    const options = (
      c.client as unknown as { options: { disableOfflineQueue?: boolean; socket?: SocketOptions } }
    ).options;
    expect(options.disableOfflineQueue).toBe(true);
    expect(options.socket?.connectTimeout).toBe(1_234);
  });

  it('waits 50 ms doubling per retry, capped, with ±25% jitter and never under 10 ms, and never gives up', () => {
    const { connection: c } = connection('redis://127.0.0.1:1', { maxReconnectDelayMs: 800 });
    const strategy = (c.client as unknown as { options: { socket: SocketOptions } }).options.socket
      .reconnectStrategy as (retries: number, cause: Error) => number;
    const delays = (random: number) => {
      vi.spyOn(Math, 'random').mockReturnValue(random);
      return [0, 1, 2, 3, 4, 5, 40].map((retries) => strategy(retries, new Error('down')));
    };
    expect(delays(0)).toEqual([38, 75, 150, 300, 600, 600, 600]);
    expect(delays(0.5)).toEqual([50, 100, 200, 400, 800, 800, 800]);
    expect(delays(1)).toEqual([63, 125, 250, 500, 1_000, 1_000, 1_000]);
    const tiny = connection('redis://127.0.0.1:1', { maxReconnectDelayMs: 4 }).connection;
    const tinyStrategy = (tiny.client as unknown as { options: { socket: SocketOptions } }).options.socket
      .reconnectStrategy as (retries: number, cause: Error) => number;
    vi.spyOn(Math, 'random').mockReturnValue(0);
    expect(tinyStrategy(3, new Error('down'))).toBe(10);
  });

  it('treats a single-node URL that merely mentions a cluster as a single node', () => {
    expect(connection('redis://redis+cluster:pw@127.0.0.1:1').connection.kind).toBe('redis');
  });
});

describe('the options of a Redis Cluster client', () => {
  /** node-redis keeps a cluster's options in `_options` (it has no public getter for them). */
  const optionsOf = (c: RedisConnection) =>
    (
      c.client as unknown as {
        _options: {
          rootNodes: Array<{ socket: SocketOptions }>;
          defaults: {
            username?: string;
            password?: string;
            disableOfflineQueue?: boolean;
            socket: SocketOptions;
          };
        };
      }
    )._options;

  it('connects to every listed node with the URL’s credentials and TLS, failing fast while disconnected', () => {
    const { connection: c } = connection('rediss+cluster://ops:p%40ss@h1:7000,[::1]:7001', {
      connectTimeoutMs: 4_321,
    });
    expect(c.kind).toBe('redis-cluster');
    const options = optionsOf(c);
    expect(options.rootNodes).toEqual([
      { socket: { host: 'h1', port: 7000 } },
      { socket: { host: '::1', port: 7001 } },
    ]);
    expect(options.defaults).toMatchObject({
      username: 'ops',
      password: 'p@ss',
      disableOfflineQueue: true,
      socket: { tls: true, connectTimeout: 4_321 },
    });
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    expect(options.defaults.socket.reconnectStrategy?.(2, new Error('down'))).toBe(200);
  });

  it('sends no credentials and no TLS when the URL has none', () => {
    const options = optionsOf(connection('redis+cluster://h1:7000').connection);
    expect(options.defaults.username).toBeUndefined();
    expect(options.defaults.password).toBeUndefined();
    expect(options.defaults.socket.tls).toBeUndefined();
  });

  it('reports a failing node, or the cluster client, by reason only', () => {
    const { connection: c, reasons } = connection('redis+cluster://h1:7000');
    const client = c.client as unknown as { emit(event: string, error: Error): boolean };
    client.emit(
      'node-error',
      Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:7000'), { code: 'ECONNREFUSED' }),
    );
    client.emit('error', new Error('Redis client is not connected'));
    expect(reasons).toEqual(['ECONNREFUSED', 'not connected to Redis']);
  });

  it('tries again on the next connect after a first connect failed', async () => {
    const server = await tcpServer('hang-up');
    const { connection: c } = connection(`redis+cluster://127.0.0.1:${server.port}`);
    await expect(c.connect()).rejects.toBeInstanceOf(StoreUnavailableError);
    const first = server.accepted();
    expect(first).toBeGreaterThan(0);
    await expect(c.connect()).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(server.accepted()).toBeGreaterThan(first);
  });

  it('closes without complaint when it never connected', async () => {
    const { connection: c } = connection('redis+cluster://127.0.0.1:1');
    await expect(c.close()).resolves.toBeUndefined();
  });
});

describe('the first connect of a single node', () => {
  it('gives up after the connect timeout on a server that accepts and never answers', async () => {
    const server = await tcpServer('silent');
    const { connection: c } = connection(`redis://127.0.0.1:${server.port}`, { connectTimeoutMs: 300 });
    const error = await c.connect().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as StoreUnavailableError).reason).toBe('connecting to Redis timed out');
  });

  it('stops reconnecting once closed after a failed first connect', async () => {
    const server = await tcpServer('hang-up');
    const { connection: c, reasons } = connection(`redis://127.0.0.1:${server.port}`, {
      maxReconnectDelayMs: 20,
    });
    await expect(c.connect()).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(c.client.isOpen).toBe(true);
    await c.close();
    expect(c.client.isOpen).toBe(false);
    const accepted = server.accepted();
    const reported = reasons.length;
    // Were it still reconnecting, a 20 ms delay would bring several more attempts while a timer this long runs.
    await new Promise((done) => setTimeout(done, 300));
    expect(server.accepted()).toBe(accepted);
    expect(reasons.length).toBe(reported);
  });

  it('closes without complaint when it never connected', async () => {
    const { connection: c } = connection('redis://127.0.0.1:1');
    await expect(c.close()).resolves.toBeUndefined();
    expect(c.client.isOpen).toBe(false);
  });
});

describeWithRedis('a single node with Redis up', () => {
  it('connects, keeping only its own error listener, and closes cleanly, twice over', async () => {
    const { connection: c } = connection(redisUrl);
    const listeners = c.client.listenerCount('error');
    await c.connect();
    expect((c.client as { isReady?: boolean }).isReady).toBe(true);
    expect(c.client.listenerCount('error')).toBe(listeners);
    // A second connect of an open client does nothing.
    await c.connect();
    await c.close();
    expect(c.client.isOpen).toBe(false);
    await expect(c.close()).resolves.toBeUndefined();
  });
});
