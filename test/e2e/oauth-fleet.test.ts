import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateEncryptionKey } from '../../src/auth/store/index.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { ID } from '../../src/sandbox/seed/users.js';
import { Browser, connectLinkIn, connectThroughSandbox } from '../support/browser.js';
import { eventually } from '../support/eventually.js';
import { textOf } from '../support/mcp.js';
import { mcpClient, type OAuthServer, registerApp, startOAuthServer } from '../support/oauth-server.js';
import { reservePort } from '../support/ports.js';
import {
  deleteNamespace,
  describeWithRedis,
  describeWithRedisServer,
  openRawRedis,
  type RedisServerProcess,
  redisServer,
  redisUrl,
  scanKeys,
  uniqueNamespace,
} from '../support/redis.js';
import { type MonitoredCommand, watchCommands } from '../support/redis-monitor.js';

const app = { clientId: 'mcp-fleet', clientSecret: 'fleet-client-secret-value' };
// The servers renew an access token once it has less than this left (the product's default skew). A connection made
// while the sandbox hands out tokens shorter than that is due for renewal at once: no waiting for a token to age.
const SKEW_S = 60;

function refreshes(sandbox: Sandbox): number {
  return sandbox.oauth.stats.refresh_token;
}

describeWithRedis('a fleet sharing one Redis', () => {
  let sandbox: Sandbox;
  let one: OAuthServer;
  let two: OAuthServer;
  const namespace = uniqueNamespace('fleet');
  const encryptionKeys = generateEncryptionKey('fleet');

  beforeAll(async () => {
    sandbox = await startSandbox();
    const common = { ...app, storeUrl: redisUrl, namespace, encryptionKeys, refreshSkewSeconds: SKEW_S };
    // Both on ports the OS chose; the second answers under the first one's public URL, as behind a load balancer.
    one = await startOAuthServer(sandbox, common);
    two = await startOAuthServer(sandbox, { ...common, publicUrl: one.publicUrl });
    registerApp(sandbox, app.clientId, app.clientSecret, [one.publicUrl]);
  });

  afterAll(async () => {
    await Promise.all([one?.stop(), two?.stop()]);
    await sandbox?.close();
    await deleteNamespace(namespace);
  });

  async function connect(
    subject: string,
    options: { callbackVia?: OAuthServer; dueForRenewal?: boolean } = {},
  ) {
    const token = await sandbox.mintCallerToken({ subject, audience: one.mcpUrl });
    const viaOne = await mcpClient(one.mcpUrl, token);
    const viaTwo = await mcpClient(two.mcpUrl, token);
    const first = await viaOne.call('confluence_list_spaces');
    const lifetime = sandbox.oauth.accessTokenSeconds;
    if (options.dueForRenewal) sandbox.oauth.accessTokenSeconds = SKEW_S / 2;
    try {
      const outcome = await connectThroughSandbox(new Browser(), connectLinkIn(textOf(first)), ID.priya, {
        ...(options.callbackVia ? { callbackOrigin: options.callbackVia.url } : {}),
      });
      expect(outcome.status, outcome.text).toBe(200);
    } finally {
      // Renewed tokens live long, so a renewal is needed once and only once.
      sandbox.oauth.accessTokenSeconds = lifetime;
    }
    return { viaOne, viaTwo };
  }

  it('completes on one instance a connect flow started on another', async () => {
    const { viaOne, viaTwo } = await connect('fleet-walker', { callbackVia: two });
    for (const session of [viaOne, viaTwo]) {
      const result = await session.call('confluence_list_spaces');
      expect(result.isError, textOf(result)).toBeFalsy();
      await session.close();
    }
  });

  it('refreshes a token due for renewal once for 50 concurrent calls in one process', async () => {
    const { viaOne, viaTwo } = await connect('fleet-burst', { dueForRenewal: true });
    const before = refreshes(sandbox);
    const results = await Promise.all(
      Array.from({ length: 50 }, () => viaOne.call('confluence_list_spaces', { limit: 1 })),
    );
    expect(results.filter((r) => r.isError).map(textOf)).toEqual([]);
    expect(refreshes(sandbox) - before).toBe(1);
    await viaOne.close();
    await viaTwo.close();
  });

  it('refreshes once across two processes: the other one waits on the lock, then uses the renewed token', async () => {
    const { viaOne, viaTwo } = await connect('fleet-pair', { dueForRenewal: true });
    const before = refreshes(sandbox);
    const redis = await watchCommands(namespace);
    // The first refresh stays in flight, with its process holding the refresh lock, until released below.
    sandbox.faults.add({ method: 'POST', path: '/oauth/token', hold: true, times: 1 });
    try {
      const calls = Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          (i % 2 ? viaTwo : viaOne).call('confluence_list_spaces', { limit: 1 }),
        ),
      );
      const isLockAttempt = (command: MonitoredCommand) =>
        command.args[0]?.toUpperCase() === 'SET' &&
        (command.args[1] ?? '').startsWith(`${namespace}:lock:refresh:`);
      await sandbox.faults.whenHeld();
      // Redis runs commands one at a time, so the first attempt on the free lock is the one that took it.
      const holder = await redis.seen(isLockAttempt);
      // The other process, verifiably waiting: it tries the lock while the refresh is still held.
      await redis.seen((command) => isLockAttempt(command) && command.client !== holder.client);
      expect(refreshes(sandbox) - before).toBe(0);
      expect(sandbox.faults.release()).toBe(1);
      const results = await calls;
      expect(results.filter((r) => r.isError).map(textOf)).toEqual([]);
      // It read the renewed connection under the lock instead of refreshing again.
      expect(refreshes(sandbox) - before).toBe(1);
    } finally {
      sandbox.faults.clear();
      redis.close();
      await viaOne.close();
      await viaTwo.close();
    }
  });

  it('keeps no token in plain text in Redis, and no user identity in key names', async () => {
    const client = await openRawRedis();
    try {
      const keys = await scanKeys(client, namespace);
      expect(keys.length).toBeGreaterThan(0);
      const issued = sandbox.oauth.issuedTokens();
      expect(issued.length).toBeGreaterThan(0);
      for (const key of keys) {
        expect(key).not.toMatch(/fleet-walker|fleet-burst|idp/);
        const type = await client.type(key);
        const value =
          type === 'string' ? ((await client.get(key)) ?? '') : JSON.stringify(await client.dump(key));
        for (const token of issued) expect(value.includes(token), `${key} holds a token`).toBe(false);
        expect(value).not.toMatch(/sbx-(at|rt)-|Priya|priya/);
      }
    } finally {
      client.destroy();
    }
  });
});

describeWithRedisServer('the token store going away and coming back', () => {
  let sandbox: Sandbox;
  let redis: RedisServerProcess;
  let server: OAuthServer;

  beforeAll(async () => {
    sandbox = await startSandbox();
    redis = redisServer(mkdtempSync(join(tmpdir(), 'cmcp-redis-')), await reservePort());
    await redis.start();
    server = await startOAuthServer(sandbox, {
      ...app,
      storeUrl: redis.url,
      encryptionKeys: generateEncryptionKey('outage'),
    });
    registerApp(sandbox, app.clientId, app.clientSecret, [server.publicUrl]);
  });

  afterAll(async () => {
    await server?.stop();
    await redis?.kill();
    await sandbox?.close();
  });

  it('serves users it knows through a Redis outage, tells others "token store unavailable", stays up and recovers', async () => {
    const token = await sandbox.mintCallerToken({ subject: 'outage-user', audience: server.mcpUrl });
    const session = await mcpClient(server.mcpUrl, token);
    const first = await session.call('confluence_list_spaces');
    await connectThroughSandbox(new Browser(), connectLinkIn(textOf(first)), ID.priya);
    expect((await session.call('confluence_list_spaces')).isError).toBeFalsy();
    const strangerToken = await sandbox.mintCallerToken({
      subject: 'outage-stranger',
      audience: server.mcpUrl,
    });
    const stranger = await mcpClient(server.mcpUrl, strangerToken);

    await redis.kill();
    // A user whose connection this instance read moments ago goes on, on that record, while its token is fresh.
    const known = await session.call('confluence_list_spaces');
    expect(known.isError, textOf(known)).toBeFalsy();
    const down = await stranger.call('confluence_list_spaces');
    expect(down.isError).toBe(true);
    expect(textOf(down)).toMatch(/token store is unavailable/);
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);

    await redis.start();
    // The server's Redis client reconnects by itself, with backoff; nothing announces when, so ask until it answers.
    const back = await eventually('the server serving again after Redis came back', async () => {
      const result = await session.call('confluence_list_spaces');
      return result.isError ? undefined : result;
    });
    expect(back.isError, textOf(back)).toBeFalsy();
    expect((back.structuredContent as { spaces: unknown[] }).spaces.length).toBeGreaterThan(0);
    await session.close();
    await stranger.close();
  }, 60_000);
});
