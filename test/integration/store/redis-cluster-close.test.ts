// A cluster connection closed while it is still discovering the topology leaves nothing connected: node-redis goes
// on with a discovery it was told to stop and connects every master it then finds, clients nobody would ever
// close (they reconnect for ever and keep the process alive). Counted on the nodes themselves, with CLIENT LIST.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRedisConnection } from '../../../src/auth/store/redis-connection.js';
import { eventually } from '../../support/eventually.js';
import {
  describeWithRedisServer,
  openRawRedis,
  type RedisClusterProcess,
  startRedisCluster,
} from '../../support/redis.js';

describeWithRedisServer('a Redis Cluster connection closed during discovery', () => {
  let dir: string;
  let cluster: RedisClusterProcess | undefined;
  let observers: Awaited<ReturnType<typeof openRawRedis>>[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cmcp-redis-cluster-close-'));
    cluster = await startRedisCluster(dir);
    observers = await Promise.all(cluster.nodes.map((node) => openRawRedis(node.url)));
  }, 60_000);
  afterAll(async () => {
    for (const observer of observers) if (observer.isOpen) observer.destroy();
    await cluster?.kill();
    await rm(dir, { recursive: true, force: true });
  });

  /** Connections on every node other than the observers' own. */
  async function othersConnected(): Promise<number> {
    const lists = await Promise.all(observers.map((observer) => observer.sendCommand(['CLIENT', 'LIST'])));
    return lists.reduce<number>((count, list) => count + String(list).trim().split('\n').length - 1, 0);
  }

  it('leaves no client on any node, in either order of close and discovery', async () => {
    if (!cluster) throw new Error('beforeAll did not start the cluster');
    expect(await othersConnected()).toBe(0);
    const connection = createRedisConnection(cluster.url, {
      connectTimeoutMs: 5000,
      maxReconnectDelayMs: 200,
    });
    // Closed while discovery waits for the first node's slots: close() must outlast what discovery then opens.
    const connecting = connection.connect().catch(() => undefined);
    await connection.close();
    await connecting;
    await eventually('no connection left on any node', async () =>
      (await othersConnected()) === 0 ? true : undefined,
    );
    // And it stays so: nothing reconnects afterwards.
    for (let probe = 0; probe < 5; probe++) expect(await othersConnected()).toBe(0);

    // Opened whole, then closed: the same.
    const whole = createRedisConnection(cluster.url, { connectTimeoutMs: 5000, maxReconnectDelayMs: 200 });
    await whole.connect();
    expect(await othersConnected()).toBeGreaterThan(0);
    await whole.close();
    await eventually('no connection left after a plain close', async () =>
      (await othersConnected()) === 0 ? true : undefined,
    );
  }, 60_000);

  it('returns within a connect timeout when discovery hangs on silent nodes, and closes what it opens later', async () => {
    if (!cluster) throw new Error('beforeAll did not start the cluster');
    const nodes = cluster.nodes;
    // Paused nodes accept connections and never answer: discovery waits for the slots for ever.
    for (const node of nodes) node.pause();
    try {
      const connection = createRedisConnection(cluster.url, {
        connectTimeoutMs: 300,
        maxReconnectDelayMs: 200,
      });
      const connecting = connection.connect().catch((error: unknown) => error);
      await connection.close();
      expect(await connecting).toBeInstanceOf(Error);
    } finally {
      for (const node of nodes) node.resume();
    }
    // The discovery answered once the nodes woke up; what it connected then is closed too.
    await eventually('no connection left once the late discovery settled', async () =>
      (await othersConnected()) === 0 ? true : undefined,
    );
  }, 60_000);

  // Last: it kills a node for good.
  it("closes the live masters' clients when discovery waits for ever on a master that is down", async () => {
    if (!cluster) throw new Error('beforeAll did not start the cluster');
    const down = cluster.nodes[1];
    if (!down) throw new Error('the cluster has no second node');
    await down.kill();
    // Its observer saw the node go and closed itself, or is about to.
    const gone = observers.splice(1, 1)[0];
    if (gone?.isOpen) gone.destroy();
    const connection = createRedisConnection(cluster.url, {
      connectTimeoutMs: 300,
      maxReconnectDelayMs: 200,
    });
    const connecting = connection.connect().catch((error: unknown) => error);
    await connection.close();
    await connecting;
    await eventually('no connection left on the live nodes', async () =>
      (await othersConnected()) === 0 ? true : undefined,
    );
    for (let probe = 0; probe < 5; probe++) expect(await othersConnected()).toBe(0);
  }, 60_000);
}, ['redis-server', 'redis-cli']);
