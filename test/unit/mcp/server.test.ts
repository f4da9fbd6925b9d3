import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.js';
import { silentLogger } from '../../../src/log.js';
import { staticRuntime } from '../../../src/runtime.js';
import { apiTokenAuth } from '../../support/mcp.js';

// What the SDK keeps of a server that this test compares between servers; private, so read through a cast.
interface ServerInternals {
  _registeredTools: Record<string, { inputSchema: unknown; outputSchema: unknown }>;
  server: { _jsonSchemaValidator: unknown };
}

async function serverOf(factory: ReturnType<typeof staticRuntime>['server']): Promise<ServerInternals> {
  const [, serverSide] = InMemoryTransport.createLinkedPair();
  const server: McpServer = await factory.connect(serverSide);
  await server.close();
  return server as unknown as ServerInternals;
}

describe('the server factory', () => {
  it('builds no schema and no validator per server: stateless HTTP builds a server for every request', async () => {
    const { server: factory } = staticRuntime(configSchema.parse({}), apiTokenAuth, silentLogger);
    const first = await serverOf(factory);
    const second = await serverOf(factory);
    expect(second.server._jsonSchemaValidator).toBeDefined();
    expect(second.server._jsonSchemaValidator).toBe(first.server._jsonSchemaValidator);
    const names = Object.keys(first._registeredTools);
    expect(names.length).toBe(factory.toolCount);
    for (const name of names) {
      expect(second._registeredTools[name]?.inputSchema, name).toBe(
        first._registeredTools[name]?.inputSchema,
      );
      expect(second._registeredTools[name]?.outputSchema, name).toBe(
        first._registeredTools[name]?.outputSchema,
      );
    }
  });

  it('registers only the tools a request calls, yet lists them all and answers an unknown name as before', async () => {
    const { server: factory } = staticRuntime(configSchema.parse({}), apiTokenAuth, silentLogger);
    const connected = async (calls?: ReadonlySet<string>) => {
      const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
      const server = await factory.connect(serverSide, calls);
      const client = new Client({ name: 'test', version: '1' });
      await client.connect(clientSide);
      return { server: server as unknown as ServerInternals, client };
    };
    const one = await connected(new Set(['confluence_get_connection']));
    expect(Object.keys(one.server._registeredTools)).toEqual(['confluence_get_connection']);
    expect((await one.client.listTools()).tools.length).toBe(factory.toolCount);
    const unknownHere = await one.client.callTool({ name: 'confluence_get_page', arguments: { page: '1' } });
    expect(unknownHere).toMatchObject({
      isError: true,
      content: [{ text: expect.stringMatching(/not found/) }],
    });
    await one.client.close();

    const whole = await connected();
    expect(Object.keys(whole.server._registeredTools).length).toBe(factory.toolCount);
    const unknown = await connected(new Set(['no_such_tool']));
    expect(Object.keys(unknown.server._registeredTools).length).toBe(factory.toolCount);
    const call = { name: 'no_such_tool', arguments: {} };
    expect(await unknown.client.callTool(call)).toEqual(await whole.client.callTool(call));
    await whole.client.close();
    await unknown.client.close();
  });
});
