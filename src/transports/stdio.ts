import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Logger } from '../log.js';
import type { ServerFactory } from '../mcp/index.js';

/**
 * Serves MCP on stdin/stdout for one local user (Claude Desktop starts the server this way). stdout carries only
 * protocol; logs go to stderr. Resolves when the client closes stdin.
 */
export async function runStdio(factory: ServerFactory, log: Logger): Promise<void> {
  // The SDK transport does not notice stdin ending; a client that goes away must still stop the server.
  const ended = new Promise<void>((resolve) => process.stdin.once('end', () => resolve()));
  const server = await factory.connect(new StdioServerTransport());
  const closed = new Promise<void>((resolve) => {
    server.server.onclose = () => resolve();
  });
  log.info('serving MCP on stdio', { tools: factory.toolCount });
  await Promise.race([ended, closed]);
  await server.close();
}
