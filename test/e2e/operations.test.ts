import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateEncryptionKey } from '../../src/auth/store/index.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { currentVersion } from '../../src/sandbox/model.js';
import { ID } from '../../src/sandbox/seed/users.js';
import { Browser, connectLinkIn, connectThroughSandbox } from '../support/browser.js';
import { eventually } from '../support/eventually.js';
import { textOf } from '../support/mcp.js';
import { scrape } from '../support/metrics.js';
import { mcpClient, type OAuthServer, registerApp, startOAuthServer } from '../support/oauth-server.js';
import { reservePort } from '../support/ports.js';
import { describeWithRedisServer, type RedisServerProcess, redisServer } from '../support/redis.js';

// The operator's view of `confluence-mcp http` as its own process, with per-user OAuth against the sandbox and a
// Redis this test owns: metrics that move with calls, readiness that follows Redis, and a shutdown that lets the
// calls in flight finish.
const app = { clientId: 'mcp-ops', clientSecret: 'ops-client-secret-value' };
const METRICS_TOKEN = 'metrics-bearer-for-tests';
const SKEW_S = 60;

describeWithRedisServer('the operator’s view of a running server', () => {
  let sandbox: Sandbox;
  let redis: RedisServerProcess;
  let server: OAuthServer;
  let callerToken: string;

  const pageId = (title: string) => {
    for (const page of sandbox.site.pages.values()) if (currentVersion(page).title === title) return page.id;
    throw new Error(`no page "${title}"`);
  };
  const readyz = async () => (await fetch(`${server.url}/readyz`)).status;

  beforeAll(async () => {
    sandbox = await startSandbox();
    redis = redisServer(mkdtempSync(join(tmpdir(), 'cmcp-redis-')), await reservePort());
    await redis.start();
    server = await startOAuthServer(sandbox, {
      ...app,
      storeUrl: redis.url,
      encryptionKeys: generateEncryptionKey('ops'),
      refreshSkewSeconds: SKEW_S,
      // Held requests wait for the test, not for a timeout; the grace is a bound, not a wait.
      limits: { requestTimeoutMs: 60_000, shutdownGraceMs: 60_000 },
      env: { CONFLUENCE_MCP_METRICS_TOKEN: METRICS_TOKEN },
    });
    registerApp(sandbox, app.clientId, app.clientSecret, [server.publicUrl]);
    callerToken = await sandbox.mintCallerToken({ subject: 'ops-user', audience: server.mcpUrl });
    // Connected with an access token already due for renewal: the first call refreshes it.
    const session = await mcpClient(server.mcpUrl, callerToken);
    const first = await session.call('confluence_list_spaces');
    const lifetime = sandbox.oauth.accessTokenSeconds;
    sandbox.oauth.accessTokenSeconds = SKEW_S / 2;
    try {
      const outcome = await connectThroughSandbox(new Browser(), connectLinkIn(textOf(first)), ID.priya);
      expect(outcome.status, outcome.text).toBe(200);
    } finally {
      sandbox.oauth.accessTokenSeconds = lifetime;
      await session.close();
    }
  });

  afterAll(async () => {
    sandbox?.faults.clear();
    await server?.stop();
    await redis?.kill();
    await sandbox?.close();
  });

  it('serves metrics only with the bearer token from the environment', async () => {
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    const wrong = await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
    const text = (await scrape(server.url, METRICS_TOKEN)).text;
    expect(text).toContain('# TYPE confluence_mcp_tool_calls_total counter');
    expect(text).toContain('# TYPE confluence_mcp_tool_call_duration_seconds histogram');
  });

  it('moves the tool, upstream and token-refresh counters with calls', async () => {
    const before = await scrape(server.url, METRICS_TOKEN);
    const session = await mcpClient(server.mcpUrl, callerToken);
    try {
      for (let i = 0; i < 3; i++) {
        const r = await session.call('confluence_get_page', { page: pageId('Architecture overview') });
        expect(r.isError, textOf(r)).toBeFalsy();
      }
      const missing = await session.call('confluence_get_page', { page: '999999999' });
      expect(missing.isError).toBe(true);
    } finally {
      await session.close();
    }
    const after = await scrape(server.url, METRICS_TOKEN);
    const delta = (name: string, labels: Record<string, string> = {}) =>
      after.value(name, labels) - before.value(name, labels);
    const tool = { tool: 'confluence_get_page' };
    expect(delta('confluence_mcp_tool_calls_total', tool)).toBe(4);
    expect(delta('confluence_mcp_tool_errors_total', { ...tool, kind: 'not-found' })).toBe(1);
    expect(delta('confluence_mcp_tool_call_duration_seconds_count', tool)).toBe(4);
    const pages = { route: 'api/v2/pages/{id}' };
    expect(
      delta('confluence_mcp_upstream_requests_total', { ...pages, status: '200' }),
    ).toBeGreaterThanOrEqual(3);
    expect(delta('confluence_mcp_upstream_requests_total', { ...pages, status: '404' })).toBe(1);
    expect(after.value('confluence_mcp_tool_calls_in_flight')).toBe(0);
    // The connection was made due for renewal, so the first call with it renewed it, once.
    expect(after.value('confluence_mcp_token_refreshes_total', { outcome: 'ok' })).toBe(1);
    expect(after.value('confluence_mcp_token_refreshes_total', { outcome: 'invalid_grant' })).toBe(0);
  });

  it('is unready while Redis is down, and ready again once it is back', async () => {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect(await readyz()).toBe(200);
    const errorsBefore = (await scrape(server.url, METRICS_TOKEN)).value(
      'confluence_mcp_token_store_errors_total',
    );
    await redis.kill();
    expect(await readyz()).toBe(503);
    expect(await (await fetch(`${server.url}/readyz`)).json()).toEqual({
      status: 'unready',
      tokenStore: 'down',
    });
    // Alive all the while: only readiness follows the store.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    await redis.start();
    await eventually('ready after Redis is back', async () => ((await readyz()) === 200 ? true : undefined));
    const errorsAfter = (await scrape(server.url, METRICS_TOKEN)).value(
      'confluence_mcp_token_store_errors_total',
    );
    expect(errorsAfter).toBeGreaterThan(errorsBefore);
    // And the stored connection survived: calls work again.
    const session = await mcpClient(server.mcpUrl, callerToken);
    try {
      const r = await session.call('confluence_list_spaces', { limit: 1 });
      expect(r.isError, textOf(r)).toBeFalsy();
    } finally {
      await session.close();
    }
  });

  it('finishes all 20 calls in flight on SIGTERM, refuses new ones, and exits 0', async () => {
    const id = pageId('Architecture overview');
    sandbox.faults.add({ method: 'GET', path: `api/v2/pages/${id}?`, hold: true, times: 20 });
    const session = await mcpClient(server.mcpUrl, callerToken);
    const exited = new Promise<number | null>((resolve) => server.cli.child.once('exit', resolve));
    const calls = Promise.all(
      Array.from({ length: 20 }, () => session.call('confluence_get_page', { page: id })),
    );
    await sandbox.faults.whenHeld(20);
    server.cli.child.kill('SIGTERM');
    await server.cli.waitFor(/"shutting down"/, 15_000, 'stderr');
    // Draining: not ready, and a new call is told to go elsewhere on a new connection.
    expect(await (await fetch(`${server.url}/readyz`)).json()).toEqual({ status: 'draining' });
    const refused = await fetch(server.mcpUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${callerToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
    });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('connection')).toBe('close');
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(sandbox.faults.held).toBe(20);
    sandbox.faults.release();
    const results = await calls;
    expect(results.filter((r) => r.isError).map(textOf)).toEqual([]);
    expect(results).toHaveLength(20);
    expect(await exited).toBe(0);
    expect(server.cli.stderr()).toMatch(/"stopped taking calls".*"finished":true/);
    await session.close().catch(() => {});
  });
});
