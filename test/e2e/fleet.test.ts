import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { ID } from '../../src/sandbox/seed/users.js';
import { Browser, connectLinkIn, connectThroughSandbox } from '../support/browser.js';
import { type CliProcess, startCli } from '../support/cli.js';
import { type LoadBalancer, startLoadBalancer } from '../support/load-balancer.js';
import { textOf } from '../support/mcp.js';
import { scrape } from '../support/metrics.js';
import { mcpClient, registerApp } from '../support/oauth-server.js';
import { reservePort } from '../support/ports.js';
import { describeWithRedisServer, type RedisServerProcess, redisServer } from '../support/redis.js';

// The fleet of deploy/compose.yaml, with processes instead of containers: two instances from dist/ started with
// deploy/mcp.config.json, a Redis of this test's own, and a round-robin load balancer in front, set up by the
// README's "Deploying a fleet behind an MCP gateway" steps against the sandbox (Atlassian and the gateway's IdP).
const DEPLOY_CONFIG = join(PACKAGE_ROOT, 'deploy', 'mcp.config.json');
const METRICS_TOKEN = 'fleet-metrics-bearer';

describeWithRedisServer('a fleet behind a load balancer, deployed as the README says', () => {
  let sandbox: Sandbox;
  let redis: RedisServerProcess;
  let balancer: LoadBalancer;
  const instances: { cli: CliProcess; url: string }[] = [];

  async function startInstance(env: Record<string, string>) {
    const cli = startCli(['http'], { CONFLUENCE_MCP_CONFIG: DEPLOY_CONFIG, ...env });
    try {
      const [line] = await cli.waitFor(/^.*"serving MCP over Streamable HTTP".*\n/m, 25_000, 'stderr');
      instances.push({ cli, url: (JSON.parse(line) as { listening: string }).listening });
    } catch (error) {
      await cli.stop();
      throw error;
    }
  }

  beforeAll(async () => {
    sandbox = await startSandbox();
    // Step 1: the public URL comes first: the OAuth app's callback and the callers' audience are made from it.
    balancer = await startLoadBalancer();
    const publicUrl = balancer.url;
    // Step 2: the Atlassian OAuth app, its callback at the public URL.
    const app = { clientId: 'fleet-app', clientSecret: 'fleet-app-secret-value' };
    registerApp(sandbox, app.clientId, app.clientSecret, [publicUrl]);
    // Step 4: an encryption key, made by the CLI, shared by every instance.
    const genKey = startCli(['gen-key']);
    const [key] = await genKey.waitFor(/^\S+:\S+$/m);
    await genKey.stop();
    // Step 5: Redis with a password.
    const password = 'fleet-redis-password';
    redis = redisServer(mkdtempSync(join(tmpdir(), 'cmcp-redis-')), await reservePort(), { password });
    await redis.start();
    // Step 6: the instances, with the deploy configuration and the environment compose.yaml gives them (here on
    // loopback ports the OS chooses, and against the sandbox instead of Atlassian).
    const env = {
      CONFLUENCE_MCP_HOST: '127.0.0.1',
      CONFLUENCE_MCP_PORT: '0',
      CONFLUENCE_MCP_PUBLIC_URL: publicUrl,
      ATLASSIAN_AUTH_BASE_URL: sandbox.url,
      CONFLUENCE_API_BASE_URL: sandbox.url,
      ATLASSIAN_CLIENT_ID: app.clientId,
      ATLASSIAN_CLIENT_SECRET: app.clientSecret,
      // Step 3: the callers' issuer (the gateway's identity provider) and audience.
      CONFLUENCE_MCP_CALLER_ISSUER: sandbox.idp.issuer,
      CONFLUENCE_MCP_CALLER_JWKS_URL: sandbox.idp.jwksUrl,
      CONFLUENCE_MCP_CALLER_AUDIENCE: `${publicUrl}/mcp`,
      CONFLUENCE_MCP_ENCRYPTION_KEYS: key,
      CONFLUENCE_MCP_TOKEN_STORE_URL: redis.url,
      CONFLUENCE_MCP_METRICS_TOKEN: METRICS_TOKEN,
    };
    await Promise.all([startInstance(env), startInstance(env)]);
    balancer.backends = instances.map((i) => i.url);
  });

  afterAll(async () => {
    await Promise.all(instances.map((i) => i.cli.stop()));
    await balancer?.close();
    await redis?.kill();
    await sandbox?.close();
  });

  it('connects a user through one instance and serves their calls from the other and through the balancer', async () => {
    const [one, two] = instances;
    if (!one || !two) throw new Error('two instances are needed');
    // Step 7: the gateway sends its users' calls to the public /mcp with a token its IdP issued for that audience.
    const token = await sandbox.mintCallerToken({ subject: 'fleet-user', audience: `${balancer.url}/mcp` });
    const viaOne = await mcpClient(`${one.url}/mcp`, token);
    const first = await viaOne.call('confluence_list_spaces');
    expect(first.isError).toBe(true);
    const link = connectLinkIn(textOf(first));
    expect(link.startsWith(`${balancer.url}/connect/`)).toBe(true);
    // The person opens the link: its pages and the OAuth callback reach whichever instance the balancer picks.
    const outcome = await connectThroughSandbox(new Browser(), link, ID.priya);
    expect(outcome.status, outcome.text).toBe(200);
    await viaOne.close();

    const viaTwo = await mcpClient(`${two.url}/mcp`, token);
    const onTwo = await viaTwo.call('confluence_list_spaces', { limit: 5 });
    expect(onTwo.isError, textOf(onTwo)).toBeFalsy();
    await viaTwo.close();

    const before = await Promise.all(instances.map((i) => scrape(i.url, METRICS_TOKEN)));
    const gateway = await mcpClient(`${balancer.url}/mcp`, token);
    try {
      const results = await Promise.all(
        Array.from({ length: 6 }, () => gateway.call('confluence_list_spaces', { limit: 1 })),
      );
      expect(results.filter((r) => r.isError).map(textOf)).toEqual([]);
    } finally {
      await gateway.close();
    }
    const after = await Promise.all(instances.map((i) => scrape(i.url, METRICS_TOKEN)));
    // Round robin: both instances served some of the six calls.
    const served = instances.map(
      (_, n) =>
        (after[n]?.value('confluence_mcp_tool_calls_total', { tool: 'confluence_list_spaces' }) ?? 0) -
        (before[n]?.value('confluence_mcp_tool_calls_total', { tool: 'confluence_list_spaces' }) ?? 0),
    );
    expect(served.reduce((a, b) => a + b, 0)).toBe(6);
    for (const count of served) expect(count).toBeGreaterThan(0);
  });

  it('is ready through the balancer, and every instance is', async () => {
    for (const url of [balancer.url, ...instances.map((i) => i.url)]) {
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
    }
  });
});
