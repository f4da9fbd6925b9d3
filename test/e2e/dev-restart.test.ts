import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ID } from '../../src/sandbox/seed/users.js';
import { Browser, connectLinkIn, connectThroughSandbox } from '../support/browser.js';
import { type CliProcess, startCli } from '../support/cli.js';
import { textOf } from '../support/mcp.js';
import { mcpClient } from '../support/oauth-server.js';
import { reservePort } from '../support/ports.js';

// `npm start` (confluence-mcp dev) as a person uses it: start, connect, paste the printed configuration into a
// client; stop; start again. The same configuration (endpoint and bearer token) still calls tools as the connected
// account, without connecting again.
describe('confluence-mcp dev across a restart', () => {
  const running: CliProcess[] = [];
  afterAll(async () => {
    for (const cli of running) await cli.stop();
  });

  async function startDev(home: string, port: number, sandboxPort: number) {
    const cli = startCli(['dev', '--port', String(port), '--sandbox-port', String(sandboxPort)], {
      XDG_CONFIG_HOME: home,
    });
    running.push(cli);
    const mcpUrl = (await cli.waitFor(/MCP endpoint \(Streamable HTTP\):\s+(\S+)/))[1] as string;
    const token = (await cli.waitFor(/Authorization: Bearer (\S+)/))[1] as string;
    const adminKey = (await cli.waitFor(/x-sandbox-admin: (\S+)/))[1] as string;
    const remoteConfig = (await cli.waitFor(/"args": \[[^\]]*mcp-remote[^\]]*\]/))[0];
    return { cli, mcpUrl, token, adminKey, remoteConfig };
  }

  it('keeps the connection, the keys and the printed client configuration working', async () => {
    const home = mkdtempSync(join(tmpdir(), 'cmcp-dev-'));
    const port = await reservePort();
    const sandboxPort = await reservePort();

    const first = await startDev(home, port, sandboxPort);
    const before = await mcpClient(first.mcpUrl, first.token);
    const ask = await before.call('confluence_list_spaces');
    expect(ask.isError).toBe(true);
    const outcome = await connectThroughSandbox(new Browser(), connectLinkIn(textOf(ask)), ID.jonas);
    expect(outcome.status, outcome.text).toBe(200);
    const connected = await before.call('confluence_get_current_user');
    expect(connected.isError, textOf(connected)).toBeFalsy();
    await before.close();
    await first.cli.stop();

    // What is kept is readable by the user alone.
    for (const file of ['sandbox.json', 'tokens.json', 'encryption.key']) {
      expect(statSync(join(home, 'confluence-mcp', 'dev', file)).mode & 0o777, file).toBe(0o600);
    }

    const second = await startDev(home, port, sandboxPort);
    expect(second.mcpUrl).toBe(first.mcpUrl);
    expect(second.adminKey).toBe(first.adminKey);
    // The configuration printed by the first run: its endpoint and its bearer token.
    expect(first.remoteConfig).toContain(first.token);
    const after = await mcpClient(first.mcpUrl, first.token);
    try {
      const me = await after.call('confluence_get_current_user');
      expect(me.isError, textOf(me)).toBeFalsy();
      expect(me.structuredContent).toMatchObject({ account_id: ID.jonas });
      const spaces = await after.call('confluence_list_spaces');
      expect(spaces.isError, textOf(spaces)).toBeFalsy();
      const connection = await after.call('confluence_get_connection');
      expect(connection.structuredContent).toMatchObject({
        connected: true,
        account: { name: 'Jonas Becker' },
      });
    } finally {
      await after.close();
    }
    // The sandbox admin key printed by the first run still opens the test knobs.
    const stats = await fetch(
      `${new URL(first.mcpUrl).origin.replace(String(port), String(sandboxPort))}/__sandbox/stats`,
      {
        headers: { 'x-sandbox-admin': first.adminKey },
      },
    );
    expect(stats.status).toBe(200);
  });
});
