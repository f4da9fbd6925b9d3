import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { configSchema } from '../../src/config/schema.js';
import { silentLogger } from '../../src/log.js';
import { staticRuntime } from '../../src/runtime.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { startHttpServer } from '../../src/transports/http.js';

export interface DemoUserServer {
  call(name: string, args: Record<string, unknown>): Promise<CallToolResult>;
  close(): Promise<void>;
}

/**
 * A server over HTTP in this process acting as the sandbox's demo user (its API token), with this configuration
 * (`http` and `limits` sections), and one MCP client connected to it.
 */
export async function serveDemoUser(
  sandbox: Sandbox,
  sections: { http?: Record<string, unknown>; limits?: Record<string, unknown> },
): Promise<DemoUserServer> {
  const config = configSchema.parse({ http: { port: 0, ...sections.http }, limits: sections.limits ?? {} });
  const user = sandbox.demoUser;
  const auth = {
    type: 'api-token' as const,
    siteUrl: sandbox.url,
    email: user.email,
    apiToken: user.apiToken ?? '',
  };
  const http = await startHttpServer({
    http: config.http,
    batch: config.limits,
    log: silentLogger,
    build: () => staticRuntime(config, auth, silentLogger),
  });
  const client = new Client({ name: 'bench', version: '1' });
  await client.connect(new StreamableHTTPClientTransport(new URL(http.mcpUrl)));
  return {
    call: (name, args) => client.callTool({ name, arguments: args }) as Promise<CallToolResult>,
    close: async () => {
      await client.close();
      await http.close();
    },
  };
}
