import { afterAll, beforeAll, expect, it } from 'vitest';
import { openRedisBackend } from '../../../src/auth/store/redis-backend.js';
import type { Backend } from '../../../src/auth/store/types.js';
import {
  deleteNamespace,
  describeWithRedis,
  openRawRedis,
  redisUrl,
  uniqueNamespace,
} from '../../support/redis.js';

// The Redis backend below the secret store, each test on its own: what a second holder or another writer sees.

const namespace = uniqueNamespace('backend');
const key = (name: string) => `${namespace}:${name}`;

describeWithRedis('the Redis backend', () => {
  let backend: Backend;
  let raw: Awaited<ReturnType<typeof openRawRedis>>;

  beforeAll(async () => {
    raw = await openRawRedis();
  });
  afterAll(async () => {
    await backend?.close();
    await raw?.close();
    await deleteNamespace(namespace);
  });

  const open = async (operationTimeoutMs = 1500) => {
    await backend?.close();
    backend = await openRedisBackend(redisUrl, {
      operationTimeoutMs,
      connectTimeoutMs: 2000,
      maxReconnectDelayMs: 200,
    });
    return backend;
  };

  it('frees a lock only for the token that holds it, and says whether it did', async () => {
    const b = await open();
    expect(await b.acquireLock(key('lock'), 'mine', 60_000)).toBe(true);
    expect(await b.acquireLock(key('lock'), 'theirs', 60_000)).toBe(false);
    expect(await b.releaseLock(key('lock'), 'theirs')).toBe(false);
    expect(await raw.get(key('lock'))).toBe('mine');
    expect(await b.releaseLock(key('lock'), 'mine')).toBe(true);
    expect(await b.releaseLock(key('lock'), 'mine')).toBe(false);
    expect(await b.acquireLock(key('lock'), 'theirs', 60_000)).toBe(true);
  });

  it('reads a record another writer left in some other shape as absent', async () => {
    const b = await open();
    for (const [name, text] of [
      ['number', '{"value":42}'],
      ['object', '{"value":{"v":"x"}}'],
      ['not-json', 'plain text'],
    ] as const) {
      await raw.set(key(name), text);
      expect(await b.take(key(name)), name).toBeUndefined();
      await raw.set(key(name), text);
      expect(await b.get(key(name)), name).toBeUndefined();
    }
    await b.set(key('ok'), 'value');
    expect(await b.take(key('ok'))).toBe('value');
  });

  it('leaves no timer behind an answered operation', async () => {
    // A long operation timeout: every operation here answers well within it, so any timer still pending after an
    // answer is one the backend forgot to clear (it would later reject with nobody listening).
    const b = await open(60_000);
    const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
    const before = timers();
    for (let i = 0; i < 20; i++) {
      await b.set(key(`t${i}`), 'v');
      expect(await b.get(key(`t${i}`))).toBe('v');
    }
    expect(timers()).toBeLessThanOrEqual(before);
  });
});
