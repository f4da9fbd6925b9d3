import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  type CallToolResult,
  type Progress,
  ProgressNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { createLogger } from '../../src/log.js';
import { staticRuntime } from '../../src/runtime.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { currentVersion } from '../../src/sandbox/model.js';
import { type RunningHttpServer, startHttpServer } from '../../src/transports/http.js';
import { textOf } from '../support/mcp.js';

// A request id per call, carried into every log line of the call (upstream requests and error results included),
// with the user as a keyed hash; progress per Confluence request when the client asks for it. Real HTTP on both
// legs: an MCP client, the HTTP transport, the sandbox.
let sandbox: Sandbox;
let http: RunningHttpServer;
let accessToken: string;
const lines: string[] = [];
const logged = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);

const pageId = (title: string) => {
  for (const page of sandbox.site.pages.values()) if (currentVersion(page).title === title) return page.id;
  throw new Error(`no page "${title}"`);
};

async function client(headers: Record<string, string> = {}) {
  const c = new Client({ name: 'call-scope-test', version: '1.0.0' });
  await c.connect(new StreamableHTTPClientTransport(new URL(http.mcpUrl), { requestInit: { headers } }));
  return c;
}

beforeAll(async () => {
  sandbox = await startSandbox();
  accessToken = sandbox.mintAccessToken(sandbox.demoUser.accountId, undefined, 3600);
  const config = configSchema.parse({ http: { port: 0 } });
  const log = createLogger('debug', {}, (line) => lines.push(line));
  http = await startHttpServer({
    http: config.http,
    batch: config.limits,
    log,
    build: () =>
      staticRuntime(
        config,
        {
          type: 'oauth',
          apiBaseUrl: sandbox.url,
          cloudId: sandbox.site.cloudId,
          accessToken: () => accessToken,
        },
        log,
      ),
  });
});

afterAll(async () => {
  await http?.close();
  await sandbox?.close();
});

describe('request ids', () => {
  it('carries the caller’s x-request-id into the upstream request logs and the error result’s log line', async () => {
    const c = await client({ 'x-request-id': 'gw-7f3a.trace:42' });
    try {
      const found = (await c.callTool({
        name: 'confluence_get_page',
        arguments: { page: pageId('Architecture overview') },
      })) as CallToolResult;
      expect(found.isError, textOf(found)).toBeFalsy();
      const missing = (await c.callTool({
        name: 'confluence_get_page',
        arguments: { page: '999999999' },
      })) as CallToolResult;
      expect(missing.isError).toBe(true);
    } finally {
      await c.close();
    }
    const mine = logged().filter((l) => l.requestId === 'gw-7f3a.trace:42');
    const upstream = mine.filter((l) => l.msg === 'upstream request');
    expect(upstream.map((l) => l.status)).toEqual(expect.arrayContaining([200, 404]));
    expect(upstream.map((l) => l.route)).toContain('api/v2/pages/{id}');
    const failure = mine.find((l) => l.msg === 'tool call failed');
    expect(failure).toMatchObject({ tool: 'confluence_get_page', error: 'NotFoundError' });
    // The user is named by a keyed hash, the same on every line of the call, never by the user key.
    const users = new Set(mine.map((l) => l.user));
    expect(users.size).toBe(1);
    expect([...users][0]).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(lines.join('')).not.toContain('"user":"local"');
    // No token reaches a log line.
    expect(lines.join('')).not.toContain(accessToken);
  });

  it('gives each call its own id when the caller sends none, and replaces one that is not a plain token', async () => {
    lines.length = 0;
    const plain = await client();
    const forged = await client({ 'x-request-id': `${'x'.repeat(200)}` });
    try {
      for (const c of [plain, plain, forged]) {
        const r = (await c.callTool({ name: 'confluence_list_spaces', arguments: {} })) as CallToolResult;
        expect(r.isError, textOf(r)).toBeFalsy();
      }
    } finally {
      await plain.close();
      await forged.close();
    }
    const ids = [
      ...new Set(
        logged()
          .filter((l) => l.msg === 'upstream request')
          .map((l) => l.requestId),
      ),
    ];
    expect(ids).toHaveLength(3);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('logs a call under the id its answer names, when the caller sent none or one that was replaced', async () => {
    for (const headers of [{}, { 'x-request-id': '"}{"level":"error' }] as Record<string, string>[]) {
      lines.length = 0;
      const answer = await fetch(http.mcpUrl, {
        method: 'POST',
        headers: {
          ...headers,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'tools/call',
          params: { name: 'confluence_list_spaces', arguments: {} },
        }),
      });
      expect(answer.status).toBe(200);
      await answer.text();
      const named = answer.headers.get('x-request-id');
      expect(named).toMatch(/^[0-9a-f-]{36}$/);
      const upstream = logged().filter((l) => l.msg === 'upstream request');
      expect(upstream.length).toBeGreaterThan(0);
      for (const line of upstream) expect(line.requestId).toBe(named);
    }
  });

  it('answers with the request id, and refuses header text that could forge a log line', async () => {
    const echo = await fetch(http.mcpUrl, { method: 'POST', headers: { 'x-request-id': 'abc-123' } });
    expect(echo.headers.get('x-request-id')).toBe('abc-123');
    for (const bad of ['a b', '"}{"level":"error', '-leading', 'é'.repeat(3)]) {
      const answer = await fetch(http.mcpUrl, {
        method: 'POST',
        headers: {
          'x-request-id': encodeURIComponent(bad) === bad ? bad : bad.replace(/[^\x20-\x7e]/g, '_'),
        },
      });
      expect(answer.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});

describe('progress', () => {
  it('reports each Confluence request of a breadcrumb to a client that sent a progress token', async () => {
    const c = await client();
    const seen: Progress[] = [];
    try {
      const result = (await c.callTool(
        {
          name: 'confluence_get_page_ancestors',
          arguments: { page: pageId('Fleet Telemetry Service: data model') },
        },
        undefined,
        { onprogress: (p) => seen.push(p) },
      )) as CallToolResult;
      expect(result.isError, textOf(result)).toBeFalsy();
      // The page, then one request per level above it (four ancestors).
      expect((result.structuredContent as { ancestors: unknown[] }).ancestors).toHaveLength(4);
    } finally {
      await c.close();
    }
    expect(seen.map((p) => p.progress)).toEqual([1, 2, 3, 4, 5]);
    expect(seen[0]?.message).toMatch(/Confluence request 1 answered \(api\/v2\/pages\/\{id\}\)/);
  });

  it('reports the requests of descendants and of search, and nothing to a client that sent no token', async () => {
    const c = await client();
    const progress: Record<string, number> = {};
    try {
      const home = [...sandbox.site.spaces.values()].find((s) => s.key === 'ENG')?.homepageId as string;
      for (const [name, args] of [
        ['confluence_get_page_descendants', { page: home, depth: 3 }],
        ['confluence_search', { query: 'telemetry' }],
      ] as const) {
        progress[name] = 0;
        const r = (await c.callTool({ name, arguments: args }, undefined, {
          onprogress: () => {
            progress[name] = (progress[name] ?? 0) + 1;
          },
        })) as CallToolResult;
        expect(r.isError, textOf(r)).toBeFalsy();
      }
      let unasked = 0;
      c.setNotificationHandler(ProgressNotificationSchema, () => {
        unasked++;
      });
      const quiet = (await c.callTool({
        name: 'confluence_get_page_ancestors',
        arguments: { page: pageId('Fleet Telemetry Service: data model') },
      })) as CallToolResult;
      expect(quiet.isError).toBeFalsy();
      expect(unasked).toBe(0);
    } finally {
      await c.close();
    }
    expect(progress.confluence_get_page_descendants).toBeGreaterThanOrEqual(2);
    expect(progress.confluence_search).toBeGreaterThanOrEqual(1);
  });
});
