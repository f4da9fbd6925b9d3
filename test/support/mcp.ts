import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { type Config, configSchema } from '../../src/config/schema.js';
import type { ConfluenceAuth } from '../../src/confluence/auth.js';
import { silentLogger } from '../../src/log.js';
import { staticRuntime } from '../../src/runtime.js';

/** A personal-API-token credential for a site msw answers for. */
export const SITE = 'https://acme.atlassian.net';
export const apiTokenAuth: ConfluenceAuth = {
  type: 'api-token',
  siteUrl: SITE,
  email: 'priya@acme.example',
  apiToken: 'test-api-token',
};

/**
 * A real MCP Client linked in memory to a real server with the given credential and configuration; `fetch` replaces
 * the one its Confluence client sends requests with (to watch them).
 */
export async function connectInMemory(
  options: { auth?: ConfluenceAuth; config?: Record<string, unknown>; fetch?: typeof fetch } = {},
) {
  const config: Config = configSchema.parse(options.config ?? {});
  const { server: factory } = staticRuntime(
    config,
    options.auth ?? apiTokenAuth,
    silentLogger,
    options.fetch,
  );
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'test-client', version: '1.0.0' });
  const [server] = await Promise.all([factory.connect(serverTransport), client.connect(clientTransport)]);
  return {
    client,
    call: (name: string, args: Record<string, unknown>) =>
      client.callTool({ name, arguments: args }) as Promise<CallToolResult>,
    close: async () => {
      await client.close();
      await server.close();
    },
  };
}

/** The text of a tool result. */
export function textOf(result: CallToolResult): string {
  return result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
}
