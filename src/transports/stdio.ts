import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { AnyToolDefinition } from '../../tools/define.js';
import type { ToolRuntime } from '../../tools/registry.js';
import type { Logger } from '../log.js';
import { createServer } from '../server.js';

/**
 * Serves MCP on stdin/stdout for one local user (Claude Desktop starts the server this way). stdout carries only
 * protocol; logs go to stderr. Resolves when the client closes stdin.
 */
export async function runStdio(
  tools: readonly AnyToolDefinition[],
  runtime: ToolRuntime,
  log: Logger,
): Promise<void> {
  const server = createServer(tools, runtime);
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    server.server.onclose = () => resolve();
    // The SDK transport does not notice stdin ending; a client that goes away must still stop the server.
    process.stdin.once('end', () => resolve());
  });
  await server.connect(transport);
  log.info('serving MCP on stdio', { tools: tools.length });
  await closed;
  await server.close();
}
