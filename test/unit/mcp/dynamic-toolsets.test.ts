import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { type CallToolResult, ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.js';
import { silentLogger } from '../../../src/log.js';
import { staticRuntime } from '../../../src/runtime.js';
import { ALL_TOOLS } from '../../../tools/index.js';
import { apiTokenAuth } from '../../support/mcp.js';

async function connect(tools: Record<string, unknown> = { dynamic: true }) {
  const { server } = staticRuntime(configSchema.parse({ tools }), apiTokenAuth, silentLogger);
  const [a, b] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'dynamic-test', version: '1' });
  const changes: string[] = [];
  client.setNotificationHandler(ToolListChangedNotificationSchema, (n) => {
    changes.push(n.method);
  });
  await Promise.all([server.connect(b), client.connect(a)]);
  return { client, changes };
}

const names = async (client: Client) => (await client.listTools()).tools.map((t) => t.name);

describe('dynamic toolsets (tools.dynamic)', () => {
  it('starts with the two discovery tools only, in under 4 KB', async () => {
    const { client } = await connect();
    const listed = await client.listTools();
    expect(listed.tools.map((t) => t.name)).toEqual([
      'confluence_list_toolsets',
      'confluence_enable_toolset',
    ]);
    expect(Buffer.byteLength(JSON.stringify(listed))).toBeLessThan(4096);
    await client.close();
  });

  it('lists the toolsets the operator offers, with their tools', async () => {
    const { client } = await connect({ dynamic: true, toolsets: ['pages', 'search'] });
    const result = (await client.callTool({
      name: 'confluence_list_toolsets',
      arguments: {},
    })) as CallToolResult;
    const { toolsets } = result.structuredContent as { toolsets: { name: string; tools: string[] }[] };
    expect(toolsets.map((t) => t.name)).toEqual(['pages', 'search']);
    expect(toolsets[1]?.tools).toEqual(['confluence_search']);
    await client.close();
  });

  it('adds a toolset’s tools when it is enabled, and tells the client the list changed, once', async () => {
    const { client, changes } = await connect();
    const first = (await client.callTool({
      name: 'confluence_enable_toolset',
      arguments: { toolset: 'labels' },
    })) as CallToolResult;
    expect(first.isError).toBeFalsy();
    expect(changes).toEqual(['notifications/tools/list_changed']);
    const labelTools = ALL_TOOLS.filter((t) => t.toolset === 'labels').map((t) => t.name);
    expect(await names(client)).toEqual([
      'confluence_list_toolsets',
      'confluence_enable_toolset',
      ...labelTools,
    ]);
    await client.callTool({ name: 'confluence_enable_toolset', arguments: { toolset: 'labels' } });
    expect(changes).toHaveLength(1);
    await client.close();
  });

  it('refuses a toolset the operator does not offer', async () => {
    const { client } = await connect({ dynamic: true, toolsets: ['search'] });
    const result = (await client.callTool({
      name: 'confluence_enable_toolset',
      arguments: { toolset: 'pages' },
    })) as CallToolResult;
    expect(result.isError).toBe(true);
    expect(await names(client)).toHaveLength(2);
    await client.close();
  });

  it('lists every tool at once when dynamic mode is off (the default)', async () => {
    const { client } = await connect({});
    expect(await names(client)).toEqual(ALL_TOOLS.map((t) => t.name));
    await client.close();
  });
});
