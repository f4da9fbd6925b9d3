import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { ID } from '../../src/sandbox/seed/users.js';
import { Browser, connectLinkIn, connectThroughSandbox } from '../support/browser.js';
import { CLI, startCli } from '../support/cli.js';
import { textOf } from '../support/mcp.js';
import { registerApp } from '../support/oauth-server.js';
import { reservePort } from '../support/ports.js';

// The stdio user: one person, whose connection lives in a 0600 file under their config directory.
let sandbox: Sandbox;
let home: string;
let configFile: string;
let loopback: number;
const app = { clientId: 'mcp-stdio', clientSecret: 'stdio-client-secret-value' };

function env(): Record<string, string> {
  return { XDG_CONFIG_HOME: home, XDG_CACHE_HOME: home, ATLASSIAN_CLIENT_SECRET: app.clientSecret };
}

async function stdioSession() {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, 'stdio', '--config', configFile],
    env: { PATH: process.env.PATH ?? '', ...env() },
    stderr: 'pipe',
  });
  const client = new Client({ name: 'e2e-stdio-login', version: '1.0.0' });
  await client.connect(transport);
  return {
    call: async (name: string, args: Record<string, unknown> = {}) =>
      (await client.callTool({ name, arguments: args })) as CallToolResult,
    close: () => client.close(),
  };
}

beforeAll(async () => {
  sandbox = await startSandbox();
  loopback = await reservePort();
  registerApp(sandbox, app.clientId, app.clientSecret, [`http://127.0.0.1:${loopback}`]);
  home = mkdtempSync(join(tmpdir(), 'cmcp-home-'));
  configFile = join(home, 'mcp.config.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      atlassian: { authBaseUrl: sandbox.url, apiBaseUrl: sandbox.url, clientId: app.clientId },
      connect: { loopbackPort: loopback },
    }),
  );
});

afterAll(async () => {
  await sandbox?.close();
});

describe('stdio with per-user OAuth', () => {
  it('answers a call before login with a link, and finishing it there connects', async () => {
    const session = await stdioSession();
    try {
      const first = await session.call('confluence_list_spaces');
      expect(first.isError).toBe(true);
      const link = connectLinkIn(textOf(first));
      expect(link.startsWith(`http://127.0.0.1:${loopback}/connect/`)).toBe(true);
      const outcome = await connectThroughSandbox(new Browser(), link, ID.priya);
      expect(outcome.status, outcome.text).toBe(200);
      const after = await session.call('confluence_list_spaces');
      expect(after.isError, textOf(after)).toBeFalsy();
      expect((await session.call('confluence_disconnect')).structuredContent).toEqual({ disconnected: true });
    } finally {
      await session.close();
    }
  });

  it('logs in with `confluence-mcp login`, and the connection survives a restart in a 0600 file', async () => {
    const login = startCli(['login', '--config', configFile], env());
    const link = (await login.waitFor(/(http:\/\/127\.0\.0\.1:\d+\/connect\/\S+)/))[1] as string;
    const outcome = await connectThroughSandbox(new Browser(), link, ID.jonas);
    expect(outcome.status, outcome.text).toBe(200);
    await login.waitFor(/Connected as Jonas Becker/);
    await new Promise((resolve) => login.child.once('exit', resolve));
    expect(login.child.exitCode).toBe(0);

    const store = join(home, 'confluence-mcp', 'tokens.json');
    expect(statSync(store).mode & 0o777).toBe(0o600);
    expect(statSync(join(home, 'confluence-mcp', 'encryption.key')).mode & 0o777).toBe(0o600);

    const session = await stdioSession();
    try {
      const connection = await session.call('confluence_get_connection');
      expect(connection.structuredContent).toMatchObject({
        connected: true,
        account: { name: 'Jonas Becker' },
      });
      const spaces = await session.call('confluence_list_spaces');
      expect(spaces.isError, textOf(spaces)).toBeFalsy();
    } finally {
      await session.close();
    }
  });
});
