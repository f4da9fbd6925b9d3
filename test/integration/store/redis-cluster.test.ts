import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  EncryptionKeyring,
  openSecretStore,
  type SecretStore,
  StoreUnavailableError,
} from '../../../src/auth/store/index.js';
import { eventually } from '../../support/eventually.js';
import { describeWithRedisServer, type RedisClusterProcess, startRedisCluster } from '../../support/redis.js';

const keys = new EncryptionKeyring([{ id: 'k1', key: Buffer.alloc(32, 13) }]);
const ids = Array.from({ length: 30 }, (_, i) => i);

describeWithRedisServer('Redis Cluster token store', () => {
  let dir: string;
  let cluster: RedisClusterProcess | undefined;
  let a: SecretStore | undefined;
  let b: SecretStore | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cmcp-redis-cluster-'));
    cluster = await startRedisCluster(dir);
    a = await openSecretStore(cluster.url, { keys, operationTimeoutMs: 1000, maxReconnectDelayMs: 200 });
    b = await openSecretStore(cluster.url, { keys, operationTimeoutMs: 1000, maxReconnectDelayMs: 200 });
  }, 60_000);
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await cluster?.kill();
    await rm(dir, { recursive: true, force: true });
  });

  function stores(): [SecretStore, SecretStore] {
    if (!a || !b) throw new Error('beforeAll did not open the stores');
    return [a, b];
  }

  it('stores and reads keys spread over every node, from either instance', async () => {
    const [first, second] = stores();
    expect(first.kind).toBe('redis-cluster');
    await Promise.all(ids.map((i) => first.set(`conn:${i}`, { i }, 60_000)));
    expect(await Promise.all(ids.map((i) => second.get(`conn:${i}`)))).toEqual(ids.map((i) => ({ i })));
    expect(await second.delete('conn:0')).toBe(true);
    expect(await first.get('conn:0')).toBeUndefined();
    expect(await first.add('conn:0', { i: 0 })).toBe(true);
  });

  it('gives the value to exactly one of 20 takers on two connections', async () => {
    const [first, second] = stores();
    await first.set('state:x', 'once');
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? first : second).take('state:x')),
    );
    expect(results.filter((r) => r === 'once')).toHaveLength(1);
  });

  it('never runs two withLock sections at once across instances', async () => {
    const [first, second] = stores();
    let inside = 0;
    let maxInside = 0;
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? first : second).withLock('refresh:u1', { ttlMs: 5000, waitMs: 20_000 }, async () => {
          inside++;
          maxInside = Math.max(maxInside, inside);
          await sleep(3);
          inside--;
        }),
      ),
    );
    expect(maxInside).toBe(1);
  });

  it('fails fast for a node that is down and serves its keys again once it is back', async () => {
    const [first] = stores();
    const node = cluster?.nodes[1];
    if (!cluster || !node) throw new Error('no cluster');
    await node.kill();
    const outcomes = await Promise.allSettled(ids.map((i) => first.get(`conn:${i}`)));
    const failures = outcomes.filter((o) => o.status === 'rejected');
    expect(failures.length).toBeGreaterThan(0);
    for (const failure of failures) expect(failure.reason).toBeInstanceOf(StoreUnavailableError);

    await node.start();
    await cluster.waitHealthy();
    // The cluster client finds the node again by itself; nothing announces when, so ask until every key answers.
    const values = await eventually('every key readable again', () =>
      Promise.all(ids.map((i) => first.get(`conn:${i}`))).catch(() => undefined),
    );
    expect(values).toEqual(ids.map((i) => ({ i })));
  }, 60_000);
}, ['redis-server', 'redis-cli']);
