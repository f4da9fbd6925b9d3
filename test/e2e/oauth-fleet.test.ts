import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateEncryptionKey } from '../../src/auth/store/index.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { ID } from '../../src/sandbox/seed/users.js';
import { Browser, connectLinkIn, connectThroughSandbox } from '../support/browser.js';
import { textOf } from '../support/mcp.js';
import { mcpClient, type OAuthServer, registerApp, startOAuthServer } from '../support/oauth-server.js';
import {
  deleteNamespace,
  describeWithRedis,
  freePort,
  openRawRedis,
  type RedisServerProcess,
  redisServer,
  redisUrl,
  scanKeys,
  uniqueNamespace,
} from '../support/redis.js';

// Access tokens live 6 s and are renewed 3 s before expiry: waiting 3.2 s after a refresh puts the next call inside
// the renewal window, while the renewed token stays good for the 3 s the concurrent calls take.
const LIFETIME_S = 6;
const SKEW_S = 3;
const app = { clientId: 'mcp-fleet', clientSecret: 'fleet-client-secret-value' };

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
    sandbox = await startSandbox({ accessTokenSeconds: LIFETIME_S });
    const [p1, p2] = [await freePort(), await freePort()];
    const publicUrl = `http://127.0.0.1:${p1}`;
    registerApp(sandbox, app.clientId, app.clientSecret, [publicUrl]);
    const common = {
      ...app,
      publicUrl,
      storeUrl: redisUrl,
      namespace,
      encryptionKeys,
      refreshSkewSeconds: SKEW_S,
    };
    [one, two] = await Promise.all([
      startOAuthServer(sandbox, { ...common, port: p1 }),
      startOAuthServer(sandbox, { ...common, port: p2 }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([one?.stop(), two?.stop()]);
    await sandbox?.close();
    await deleteNamespace(namespace);
  });

  async function connect(subject: string, options: { callbackVia?: OAuthServer } = {}) {
    const token = await sandbox.mintCallerToken({ subject, audience: one.mcpUrl });
    const viaOne = await mcpClient(one.mcpUrl, token);
    const viaTwo = await mcpClient(two.mcpUrl, token);
    const first = await viaOne.call('confluence_list_spaces');
    const outcome = await connectThroughSandbox(new Browser(), connectLinkIn(textOf(first)), ID.priya, {
      ...(options.callbackVia ? { callbackOrigin: options.callbackVia.url } : {}),
    });
    expect(outcome.status, outcome.text).toBe(200);
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

  it('refreshes an expired token once for 50 concurrent calls in one process, and once across two', async () => {
    const { viaOne, viaTwo } = await connect('fleet-burst');

    await sleep((LIFETIME_S - SKEW_S + 0.2) * 1000);
    let before = refreshes(sandbox);
    const single = await Promise.all(
      Array.from({ length: 50 }, () => viaOne.call('confluence_list_spaces', { limit: 1 })),
    );
    expect(single.filter((r) => r.isError).map(textOf)).toEqual([]);
    expect(refreshes(sandbox) - before).toBe(1);

    await sleep((LIFETIME_S - SKEW_S + 0.2) * 1000);
    before = refreshes(sandbox);
    const fleet = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        (i % 2 ? viaTwo : viaOne).call('confluence_list_spaces', { limit: 1 }),
      ),
    );
    expect(fleet.filter((r) => r.isError).map(textOf)).toEqual([]);
    expect(refreshes(sandbox) - before).toBe(1);
    await viaOne.close();
    await viaTwo.close();
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

describeWithRedis('the token store going away and coming back', () => {
  let sandbox: Sandbox;
  let redis: RedisServerProcess;
  let server: OAuthServer;

  beforeAll(async () => {
    sandbox = await startSandbox();
    redis = redisServer(mkdtempSync(join(tmpdir(), 'cmcp-redis-')), await freePort());
    await redis.start();
    const port = await freePort();
    registerApp(sandbox, app.clientId, app.clientSecret, [`http://127.0.0.1:${port}`]);
    server = await startOAuthServer(sandbox, {
      ...app,
      port,
      storeUrl: redis.url,
      encryptionKeys: generateEncryptionKey('outage'),
    });
  });

  afterAll(async () => {
    await server?.stop();
    await redis?.kill();
    await sandbox?.close();
  });

  it('answers "token store unavailable" while Redis is down, stays up, and recovers without reconnecting', async () => {
    const token = await sandbox.mintCallerToken({ subject: 'outage-user', audience: server.mcpUrl });
    const session = await mcpClient(server.mcpUrl, token);
    const first = await session.call('confluence_list_spaces');
    await connectThroughSandbox(new Browser(), connectLinkIn(textOf(first)), ID.priya);
    expect((await session.call('confluence_list_spaces')).isError).toBeFalsy();

    await redis.kill();
    const down = await session.call('confluence_list_spaces');
    expect(down.isError).toBe(true);
    expect(textOf(down)).toMatch(/token store is unavailable/);
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);

    await redis.start();
    let back = await session.call('confluence_list_spaces');
    for (let i = 0; i < 20 && back.isError; i++) {
      await sleep(250);
      back = await session.call('confluence_list_spaces');
    }
    expect(back.isError, textOf(back)).toBeFalsy();
    expect((back.structuredContent as { spaces: unknown[] }).spaces.length).toBeGreaterThan(0);
    await session.close();
  });
});
