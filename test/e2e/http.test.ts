import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { ID } from '../../src/sandbox/seed/users.js';
import { Browser, connectLinkIn, connectThroughSandbox } from '../support/browser.js';
import { type CliProcess, startCli } from '../support/cli.js';
import { textOf } from '../support/mcp.js';

// The README's first command runs `confluence-mcp dev`: the sandbox and the HTTP server (per-user OAuth, the sandbox
// as identity provider and Atlassian), as a real process.
describe('confluence-mcp dev, over Streamable HTTP', () => {
  let cli: CliProcess;
  let mcpUrl: string;
  let sandboxUrl: string;
  let token: string;
  let client: Client;

  const call = async (name: string, args: Record<string, unknown>) =>
    (await client.callTool({ name, arguments: args })) as CallToolResult;

  beforeAll(async () => {
    cli = startCli(['dev', '--port', '0', '--sandbox-port', '0']);
    mcpUrl = (await cli.waitFor(/MCP endpoint \(Streamable HTTP\):\s+(\S+)/))[1] as string;
    sandboxUrl = ((await cli.waitFor(/Sandbox site:\s+(\S+)\/wiki/))[1] as string).replace(/\/$/, '');
    token = (await cli.waitFor(/Authorization: Bearer (\S+)/))[1] as string;
    client = new Client({ name: 'e2e', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(mcpUrl), {
        requestInit: { headers: { authorization: `Bearer ${token}` } },
      }),
    );
    // As a person would: the first call asks to connect; the link leads through the sandbox's consent page.
    const first = (await client.callTool({
      name: 'confluence_list_spaces',
      arguments: {},
    })) as CallToolResult;
    const outcome = await connectThroughSandbox(new Browser(), connectLinkIn(textOf(first)), ID.priya);
    expect(outcome.status, outcome.text).toBe(200);
  });

  afterAll(async () => {
    await client?.close();
    await cli?.stop();
  });

  it('prints the sandbox admin key, as the README says, and it opens the test knobs', async () => {
    const readme = readFileSync(join(PACKAGE_ROOT, 'README.md'), 'utf8');
    expect(readme).toMatch(
      /`npm start` prints[\s\S]{0,300}the sandbox's admin key \(header\s+`x-sandbox-admin`/,
    );
    const key = (await cli.waitFor(/x-sandbox-admin: (\S+)/))[1] as string;
    const stats = await fetch(`${sandboxUrl}/__sandbox/stats`, { headers: { 'x-sandbox-admin': key } });
    expect(stats.status).toBe(200);
    const refused = await fetch(`${sandboxUrl}/__sandbox/stats`, { headers: { 'x-sandbox-admin': 'wrong' } });
    expect(refused.status).toBe(403);
  });

  it('prints how to connect Claude Desktop and the MCP Inspector', () => {
    expect(cli.stdout()).toContain('claude_desktop_config.json');
    expect(cli.stdout()).toContain('@modelcontextprotocol/inspector');
    expect(cli.stdout()).toContain(mcpUrl);
  });

  it('lists the tools with descriptions, input schemas and annotations', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(
      expect.arrayContaining([
        'confluence_get_page',
        'confluence_list_pages',
        'confluence_list_spaces',
        'confluence_search',
      ]),
    );
    for (const tool of tools) {
      expect(typeof tool.annotations?.readOnlyHint).toBe('boolean');
      expect(tool.description?.length).toBeGreaterThan(20);
    }
  });

  it('refuses MCP requests without a bearer token', async () => {
    const response = await fetch(mcpUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('resource_metadata=');
  });

  it('reads a seeded page: title, version, web URL and a Markdown body with headings, lists, tables and code', async () => {
    const listed = await call('confluence_list_pages', { space: 'ENG', title: 'Deployment guide' });
    const pages = (listed.structuredContent as { pages: { id: string }[] }).pages;
    expect(pages).toHaveLength(1);
    const id = pages[0]?.id as string;

    const result = await call('confluence_get_page', { page: id });
    expect(result.isError).toBeFalsy();
    const page = result.structuredContent as {
      title: string;
      version: { number: number };
      web_url: string;
      body: string;
      body_format: string;
    };
    expect(page.title).toBe('Deployment guide');
    expect(page.version.number).toBeGreaterThanOrEqual(1);
    expect(page.web_url).toBe(`${sandboxUrl}/wiki/spaces/ENG/pages/${id}/Deployment+guide`);
    expect(page.body_format).toBe('markdown');
    expect(page.body).toMatch(/^#{1,3} \S/m);
    expect(page.body).toMatch(/^\s*(?:[-*]|\d+\.) \S/m);
    expect(page.body).toMatch(/^\|.*\|\s*$/m);
    expect(page.body).toMatch(/^\| *:?-{3,}/m);
    expect(page.body).toMatch(/^ *```(bash|yaml)[^\n]*\n[\s\S]+?\n *```$/m);
    expect(page.body).toContain('set -euo pipefail');
    expect(page.body).not.toMatch(/<ac:|<ri:|CDATA/);
    expect(textOf(result)).toContain('# Deployment guide');
  });

  it('names the people a page mentions, keeping their account ids', async () => {
    const listed = await call('confluence_list_pages', { space: 'ENG', title: 'Platform sync 2026-03-23' });
    const id = (listed.structuredContent as { pages: { id: string }[] }).pages[0]?.id;
    const result = await call('confluence_get_page', { page: id });
    const body = (result.structuredContent as { body: string }).body;
    expect(body).toMatch(/\[@[A-Z][a-z]+ [A-Z][a-z]+\]\(confluence-user:712020:[0-9a-f-]+\)/);
    expect(body).not.toMatch(/\[@712020:/);
    expect(body).toMatch(/^- \[[ x]\] /m);
  });

  it('reads the same page by its URL and by its tiny link, and in storage format', async () => {
    const listed = await call('confluence_list_pages', { space: 'ENG', title: 'Deployment guide' });
    const summary = (listed.structuredContent as { pages: { id: string; web_url: string }[] }).pages[0];
    const byUrl = await call('confluence_get_page', { page: summary?.web_url, body_format: 'storage' });
    const body = (byUrl.structuredContent as { id: string; body: string }).body;
    expect((byUrl.structuredContent as { id: string }).id).toBe(summary?.id);
    expect(body).toContain('ac:structured-macro');
  });

  it('lists spaces the demo user may see, not the restricted HR space', async () => {
    const result = await call('confluence_list_spaces', { limit: 50 });
    const keys = (result.structuredContent as { spaces: { key: string }[] }).spaces.map((s) => s.key);
    expect(keys).toEqual(expect.arrayContaining(['ENG', 'PROD', 'SUP']));
    expect(keys).not.toContain('HR');
  });

  it('searches in plain text and in CQL, paging with next_cursor', async () => {
    const first = await call('confluence_search', { query: 'rollback', space: 'ENG', limit: 2 });
    const page1 = first.structuredContent as {
      results: { id: string; title: string }[];
      next_cursor?: string;
      cql: string;
    };
    expect(page1.cql).toBe('text ~ "rollback" AND space = "ENG" AND type = page');
    expect(page1.results.length).toBeGreaterThan(0);
    if (page1.next_cursor) {
      const second = await call('confluence_search', {
        query: 'rollback',
        space: 'ENG',
        limit: 2,
        cursor: page1.next_cursor,
      });
      const ids = (second.structuredContent as { results: { id: string }[] }).results.map((r) => r.id);
      expect(ids.some((i) => page1.results.some((r) => r.id === i))).toBe(false);
    }
    const cql = await call('confluence_search', { cql: 'label = "adr" AND space = ENG', limit: 50 });
    expect((cql.structuredContent as { total_size: number }).total_size).toBeGreaterThanOrEqual(30);
  });

  it('says a restricted page is not found or not visible, never what it holds', async () => {
    const result = await call('confluence_search', { cql: 'title ~ "Break-glass"' });
    expect((result.structuredContent as { total_size: number }).total_size).toBe(0);
  });

  it('refuses a browser page from another origin (DNS rebinding) and a foreign Host', async () => {
    const init = { jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} };
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    const evil = await fetch(mcpUrl, {
      method: 'POST',
      headers: { ...headers, origin: 'https://evil.example' },
      body: JSON.stringify(init),
    });
    expect(evil.status).toBe(403);
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        mcpUrl,
        { method: 'POST', headers: { ...headers, host: 'rebind.evil.example' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify(init));
    });
    expect(status).toBe(403);
  });

  it('answers GET and DELETE on /mcp with 405, oversized bodies with 413, and /healthz', async () => {
    expect((await fetch(mcpUrl)).status).toBe(405);
    expect((await fetch(mcpUrl, { method: 'DELETE' })).status).toBe(405);
    const big = await fetch(mcpUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        authorization: `Bearer ${token}`,
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'ping',
        params: { pad: 'x'.repeat(5 * 1024 * 1024) },
      }),
    });
    expect(big.status).toBe(413);
    const health = await fetch(new URL('/healthz', mcpUrl));
    expect(await health.json()).toMatchObject({ status: 'ok', name: 'confluence-mcp' });
  });

  it('logs JSON lines on stderr and never a credential', () => {
    const lines = cli.stderr().trim().split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    expect(cli.stderr()).not.toMatch(/ATATT|sbx-at-|sbx-rt-|Basic |Bearer /);
  });
});
