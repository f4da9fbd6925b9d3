// Promises of the Redis backend and connection that only show when a store is opened inside the test: a write Redis
// refuses is reported, a record of JSON null reads as absent, closing lets go of the socket, connection trouble is
// reported, a close waits for the command in flight, and a cluster still discovering its nodes closes too.
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openRedisBackend } from '../../../src/auth/store/redis-backend.js';
import { createRedisConnection } from '../../../src/auth/store/redis-connection.js';
import { StoreUnavailableError } from '../../../src/auth/store/store-unavailable-error.js';
import { eventually } from '../../support/eventually.js';
import {
  deleteNamespace,
  describeWithRedis,
  openRawRedis,
  redisUrl,
  uniqueNamespace,
} from '../../support/redis.js';

const namespace = uniqueNamespace('edges');
const key = (name: string) => `${namespace}:${name}`;
const sockets = () => process.getActiveResourcesInfo().filter((kind) => kind === 'TCPSocketWrap').length;
const open = () =>
  openRedisBackend(redisUrl, { operationTimeoutMs: 1500, connectTimeoutMs: 2000, maxReconnectDelayMs: 200 });

describeWithRedis('the Redis backend, opened in each test', () => {
  let raw: Awaited<ReturnType<typeof openRawRedis>>;
  beforeAll(async () => {
    raw = await openRawRedis();
  });
  afterAll(async () => {
    await raw?.close();
    await deleteNamespace(namespace);
  });

  it('reports a write Redis refuses instead of claiming it stored it', async () => {
    const b = await open();
    try {
      // Redis takes whole milliseconds only: PX 1.5 is refused.
      await expect(b.set(key('bad-ttl'), 'v', 1.5)).rejects.toBeInstanceOf(StoreUnavailableError);
      expect(await raw.get(key('bad-ttl'))).toBeNull();
    } finally {
      await b.close();
    }
  });

  it('reads a record of JSON null as absent, for get and for take', async () => {
    const b = await open();
    try {
      await raw.set(key('null'), 'null');
      expect(await b.get(key('null'))).toBeUndefined();
      expect(await b.take(key('null'))).toBeUndefined();
    } finally {
      await b.close();
    }
  });

  it('lets go of its socket when closed', async () => {
    const b = await open();
    const opened = sockets();
    await b.close();
    await eventually('the socket to close', async () => (sockets() < opened ? true : undefined));
  });
});

describeWithRedis('a single-node connection with Redis up', () => {
  it('lets a command in flight finish before it closes', async () => {
    const c = createRedisConnection(redisUrl, { connectTimeoutMs: 2000, maxReconnectDelayMs: 200 });
    await c.connect();
    const client = c.client as unknown as { get(key: string): Promise<string | null> };
    const inFlight = client.get(key('absent'));
    await c.close();
    await expect(inFlight).resolves.toBeNull();
  });
});

describe('connections that never reach Redis', () => {
  const servers: Server[] = [];
  const held: Socket[] = [];
  afterEach(async () => {
    for (const socket of held.splice(0)) socket.destroy();
    await Promise.all(servers.splice(0).map((s) => new Promise((done) => s.close(done))));
  });
  async function tcpServer(behaviour: 'hang-up' | 'silent') {
    const server = createServer((socket) => {
      held.push(socket);
      socket.on('error', () => {});
      if (behaviour === 'hang-up') socket.destroy();
    });
    servers.push(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return (server.address() as { port: number }).port;
  }

  it('report what went wrong to the operator as it happens', async () => {
    const port = await tcpServer('hang-up');
    const reasons: string[] = [];
    const c = createRedisConnection(`redis://127.0.0.1:${port}`, {
      connectTimeoutMs: 2000,
      maxReconnectDelayMs: 50,
      onConnectionError: (reason) => reasons.push(reason),
    });
    await expect(c.connect()).rejects.toBeInstanceOf(StoreUnavailableError);
    await eventually('a reason to be reported', async () => (reasons.length > 0 ? true : undefined));
    expect(reasons[0]).toMatch(/^(ECONNRESET|the Redis connection|Redis|not connected)/);
    await c.close();
  });

  it('close a cluster client that is still discovering its nodes', async () => {
    const port = await tcpServer('silent');
    const c = createRedisConnection(`redis+cluster://127.0.0.1:${port}`, {
      connectTimeoutMs: 2000,
      maxReconnectDelayMs: 50,
    });
    const connecting = c.connect().catch(() => {});
    await eventually('the cluster client to open', async () => (c.client.isOpen ? true : undefined));
    await c.close();
    expect(c.client.isOpen).toBe(false);
    await connecting;
  });
});
