import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Logger } from '../log.js';
import { PROTOCOL_VERSIONS, type ServerFactory } from '../mcp/index.js';
import type { StdioFront } from '../start/index.js';

/**
 * Serves MCP on stdin/stdout for one local user (Claude Desktop starts the server this way). stdout carries only
 * protocol; logs go to stderr. Resolves when the client closes stdin. With a stdio front (src/start), the server
 * reads and writes through it: it gets everything the client sent, and the front drops what it already answered.
 */
export async function runStdio(factory: ServerFactory, log: Logger, front?: StdioFront): Promise<void> {
  const streams = front?.handOver(PROTOCOL_VERSIONS, log);
  const input = streams?.input ?? process.stdin;
  // The SDK transport does not notice stdin ending; a client that goes away must still stop the server.
  const ended = new Promise<void>((resolve) => input.once('end', () => resolve()));
  const server = await factory.connect(new StdioServerTransport(input, streams?.output));
  const closed = new Promise<void>((resolve) => {
    server.server.onclose = () => resolve();
  });
  log.info('serving MCP on stdio', {
    tools: factory.toolCount,
    ...(streams ? { startAnswers: streams.answered ? 'kept' : 'server' } : {}),
  });
  await Promise.race([ended, closed]);
  await server.close();
}
