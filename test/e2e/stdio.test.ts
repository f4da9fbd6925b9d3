import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, type CliProcess, startCli } from '../support/cli.js';
import { textOf } from '../support/mcp.js';

/** The sandbox as its own process, and the credentials it prints. */
let sandbox: CliProcess;
let printed: Record<string, string>;
let adminKey: string;
const cacheHome = mkdtempSync(join(tmpdir(), 'cmcp-stdio-cache-'));

async function connectStdio(env: Record<string, string>) {
  const stderr: string[] = [];
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI],
    // The stdio front's kept answers go to a folder of this test's, not the user's ~/.cache.
    env: { PATH: process.env.PATH ?? '', XDG_CACHE_HOME: cacheHome, ...env },
    stderr: 'pipe',
  });
  transport.stderr?.on('data', (d: Buffer) => stderr.push(d.toString()));
  const client = new Client({ name: 'e2e-stdio', version: '1.0.0' });
  await client.connect(transport);
  return {
    client,
    stderr: () => stderr.join(''),
    call: async (name: string, args: Record<string, unknown>) =>
      (await client.callTool({ name, arguments: args })) as CallToolResult,
  };
}

async function admin(path: string, body: unknown) {
  const response = await fetch(`${printed.CONFLUENCE_SITE_URL}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-sandbox-admin': adminKey },
    body: JSON.stringify(body),
  });
  expect(response.ok).toBe(true);
  return response.status === 204 ? undefined : response.json();
}

beforeAll(async () => {
  sandbox = startCli(['sandbox', '--port', '0']);
  await sandbox.waitFor(/Press Ctrl\+C/);
  printed = Object.fromEntries(
    [...sandbox.stdout().matchAll(/^\s+([A-Z_]+)=(\S+)$/gm)].map((m) => [m[1], m[2]]),
  );
  adminKey = (/x-sandbox-admin: (\S+)/.exec(sandbox.stdout()) ?? [])[1] as string;
});

afterAll(async () => {
  await sandbox?.stop();
  rmSync(cacheHome, { recursive: true, force: true });
});

describe('confluence-mcp sandbox', () => {
  it('prints its base URL and credentials that work against it', () => {
    expect(printed.CONFLUENCE_SITE_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(printed.ATLASSIAN_EMAIL).toContain('@');
    expect(printed.ATLASSIAN_API_TOKEN).toBeTruthy();
    expect(printed.ATLASSIAN_ACCESS_TOKEN).toBeTruthy();
    expect(printed.CONFLUENCE_CLOUD_ID).toMatch(/^[0-9a-f-]{36}$/);
    expect(adminKey).toBeTruthy();
  });
});

describe('confluence-mcp over stdio against the sandbox', () => {
  it('lists the tools and reads a page with a personal API token', async () => {
    const session = await connectStdio({
      CONFLUENCE_SITE_URL: printed.CONFLUENCE_SITE_URL as string,
      ATLASSIAN_EMAIL: printed.ATLASSIAN_EMAIL as string,
      ATLASSIAN_API_TOKEN: printed.ATLASSIAN_API_TOKEN as string,
    });
    try {
      const { tools } = await session.client.listTools();
      expect(tools.map((t) => t.name)).toContain('confluence_get_page');
      const listed = await session.call('confluence_list_pages', { space: 'ENG', title: 'Deployment guide' });
      const id = (listed.structuredContent as { pages: { id: string }[] }).pages[0]?.id;
      const page = await session.call('confluence_get_page', { page: id });
      const structured = page.structuredContent as {
        title: string;
        version: { number: number };
        web_url: string;
        body: string;
      };
      expect(structured.title).toBe('Deployment guide');
      expect(structured.version.number).toBeGreaterThanOrEqual(1);
      expect(structured.web_url).toContain(`/wiki/spaces/ENG/pages/${id}/`);
      expect(structured.body).toMatch(/^## Environments$/m);
      expect(structured.body).toMatch(/^\| Environment \| Clusters \|/m);
      expect(structured.body).toMatch(/^\d+\. Check the change is on staging/m);
      expect(structured.body).toContain('```yaml');
      // Logs went to stderr as JSON; stdout carried only the protocol, or the client would have failed to parse.
      expect(session.stderr()).toContain('"msg":"serving MCP on stdio"');
      expect(session.stderr()).not.toContain(printed.ATLASSIAN_API_TOKEN as string);
    } finally {
      await session.client.close();
    }
  });

  it('works with an OAuth access token through the gateway, and says which scope is missing', async () => {
    const env = {
      ATLASSIAN_ACCESS_TOKEN: printed.ATLASSIAN_ACCESS_TOKEN as string,
      CONFLUENCE_CLOUD_ID: printed.CONFLUENCE_CLOUD_ID as string,
      CONFLUENCE_API_BASE_URL: printed.CONFLUENCE_API_BASE_URL as string,
    };
    const full = await connectStdio(env);
    try {
      const spaces = await full.call('confluence_list_spaces', {});
      expect(spaces.isError).toBeFalsy();
      expect((spaces.structuredContent as { spaces: unknown[] }).spaces.length).toBeGreaterThan(2);
    } finally {
      await full.client.close();
    }
    const { access_token } = (await admin('/__sandbox/tokens', { scopes: ['read:page:confluence'] })) as {
      access_token: string;
    };
    const narrow = await connectStdio({ ...env, ATLASSIAN_ACCESS_TOKEN: access_token });
    try {
      const denied = await narrow.call('confluence_list_spaces', {});
      expect(denied.isError).toBe(true);
      expect(textOf(denied)).toMatch(/Missing OAuth scope/);
    } finally {
      await narrow.client.close();
    }
  });

  it('turns injected sandbox faults into results that say what to do', async () => {
    const session = await connectStdio({
      CONFLUENCE_SITE_URL: printed.CONFLUENCE_SITE_URL as string,
      ATLASSIAN_EMAIL: printed.ATLASSIAN_EMAIL as string,
      ATLASSIAN_API_TOKEN: printed.ATLASSIAN_API_TOKEN as string,
    });
    try {
      await admin('/__sandbox/faults', { path: '/rest/api/search', status: 429, retryAfter: 30, times: 1 });
      const limited = await session.call('confluence_search', { query: 'deploy' });
      expect(textOf(limited)).toMatch(/Rate limited.*Retry after 30 seconds/);
      // One dropped connection on a read is absorbed by a retry; five in a row (the first try and 4 retries) are not.
      await admin('/__sandbox/faults', { path: '/api/v2/spaces', drop: true, times: 1 });
      const absorbed = await session.call('confluence_list_spaces', {});
      expect(absorbed.isError, textOf(absorbed)).toBeFalsy();
      await admin('/__sandbox/faults', { path: '/api/v2/spaces', drop: true, times: 5 });
      const dropped = await session.call('confluence_list_spaces', {});
      expect(textOf(dropped)).toMatch(/Could not reach Confluence/);
      const missing = await session.call('confluence_get_page', { page: '999999999' });
      expect(textOf(missing)).toMatch(/Not found: page 999999999/);
      const fine = await session.call('confluence_search', { query: 'deploy' });
      expect(fine.isError).toBeFalsy();
    } finally {
      await session.client.close();
    }
  });

  it('answers a tool call without credentials with how to set them', async () => {
    const session = await connectStdio({});
    try {
      const result = await session.call('confluence_list_spaces', {});
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(/CONFLUENCE_SITE_URL.*ATLASSIAN_API_TOKEN/);
    } finally {
      await session.client.close();
    }
  });
});
