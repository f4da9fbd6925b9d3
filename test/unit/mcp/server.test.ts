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
});
