import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateEncryptionKey } from '../../src/auth/store/index.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { Browser, connectLinkIn, startSignIn } from '../support/browser.js';
import { textOf } from '../support/mcp.js';
import { mcpClient, type OAuthServer, registerApp, startOAuthServer } from '../support/oauth-server.js';
import {
  deleteNamespace,
  describeWithRedis,
  openRawRedis,
  redisUrl,
  scanKeys,
  uniqueNamespace,
} from '../support/redis.js';

// The same bounds as connect-state.test.ts, on Redis as a fleet uses it, counted with SCAN in the server's namespace.
describeWithRedis('connect links over Redis', () => {
  const namespace = uniqueNamespace('connect-state');
  const app = { clientId: 'redis-state-app', clientSecret: 'redis-state-secret' };
  let sandbox: Sandbox;
  let server: OAuthServer;

  /** The logical keys of every record the server keeps in Redis now. */
  async function records(): Promise<string[]> {
    const client = await openRawRedis(redisUrl);
    try {
      return (await scanKeys(client, namespace))
        .filter((key) => key.startsWith(`${namespace}:kv:`))
        .map((key) => key.slice(`${namespace}:kv:`.length))
        .sort();
    } finally {
      client.destroy();
    }
  }

  beforeAll(async () => {
    sandbox = await startSandbox();
    server = await startOAuthServer(sandbox, {
      ...app,
      storeUrl: redisUrl,
      namespace,
      encryptionKeys: generateEncryptionKey('redis'),
      browserLogin: { issuer: sandbox.idp.issuer, clientId: 'redis-state-login' },
    });
    registerApp(sandbox, app.clientId, app.clientSecret, [server.publicUrl]);
    sandbox.registerIdpClient('redis-state-login', [`${server.publicUrl}/connect/login-callback`]);
  });

  afterAll(async () => {
    await server?.stop();
    await sandbox?.close();
    await deleteNamespace(namespace);
  });

  it('keeps one link record for 300 calls of a user who never connects, and none for 2,000 openings of it', async () => {
    const user = await mcpClient(
      server.mcpUrl,
      await sandbox.mintCallerToken({ subject: 'idle-redis-user', audience: server.mcpUrl }),
    );
    const links = new Set<string>();
    for (let i = 0; i < 300; i++) links.add(connectLinkIn(textOf(await user.call('confluence_list_spaces'))));
    await user.close();
    expect(links.size).toBe(1);
    const afterCalls = await records();
    expect(afterCalls.filter((key) => key.startsWith('link:'))).toHaveLength(1);

    const [link] = [...links] as [string];
    for (let batch = 0; batch < 40; batch++) {
      const answers = await Promise.all(Array.from({ length: 50 }, () => fetch(link)));
      for (const answer of answers) {
        expect(answer.status).toBe(200);
        await answer.text();
      }
    }
    expect(await records()).toEqual(afterCalls);

    // Pressing "Sign in" keeps one sign-in record for the user, however often.
    const browser = new Browser();
    for (let i = 0; i < 10; i++) expect((await startSignIn(browser, link)).status).toBe(303);
    const afterSignIns = await records();
    expect(afterSignIns.filter((key) => key.startsWith('signin:'))).toHaveLength(1);
    expect(afterSignIns.length - afterCalls.length).toBe(1);
  });
});
