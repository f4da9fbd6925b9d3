import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.js';
import { createLogger } from '../../../src/log.js';
import { staticRuntime } from '../../../src/runtime.js';
import { runStdio } from '../../../src/transports/stdio.js';
import { ALL_TOOLS, selectTools } from '../../../tools/index.js';
import { apiTokenAuth } from '../../support/mcp.js';

// The stdio transport in this process, with this process's stdin and stdout swapped for streams the test holds:
// what the client writes and what the server answers, line by line, as Claude Desktop sees it.
const original = {
  stdin: Object.getOwnPropertyDescriptor(process, 'stdin'),
  stdout: Object.getOwnPropertyDescriptor(process, 'stdout'),
};
afterEach(() => {
  if (original.stdin) Object.defineProperty(process, 'stdin', original.stdin);
  if (original.stdout) Object.defineProperty(process, 'stdout', original.stdout);
});

function fakeTerminal() {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  Object.defineProperty(process, 'stdin', { value: stdin, configurable: true });
  Object.defineProperty(process, 'stdout', { value: stdout, configurable: true });
  let out = '';
  const waiting: (() => void)[] = [];
  stdout.on('data', (d: Buffer) => {
    out += d.toString();
    for (const wake of waiting.splice(0)) wake();
  });
  const nextMessage = async (): Promise<Record<string, unknown>> => {
    while (!out.includes('\n')) await new Promise<void>((resolve) => waiting.push(resolve));
    const line = out.slice(0, out.indexOf('\n'));
    out = out.slice(out.indexOf('\n') + 1);
    return JSON.parse(line) as Record<string, unknown>;
  };
  const send = (message: unknown) => stdin.write(`${JSON.stringify(message)}\n`);
  return { stdin, send, nextMessage };
}

describe('stdio transport', () => {
  it('answers MCP on stdout, logs only through the logger, and stops when the client closes stdin', async () => {
    const terminal = fakeTerminal();
    const lines: Record<string, unknown>[] = [];
    const log = createLogger('info', {}, (line) => lines.push(JSON.parse(line)));
    const config = configSchema.parse({});
    const tools = selectTools(ALL_TOOLS, config.tools);
    const { server } = staticRuntime(config, apiTokenAuth, log);
    const served = runStdio(server, log);
    terminal.send({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
    });
    const initialized = await terminal.nextMessage();
    expect(initialized).toMatchObject({ jsonrpc: '2.0', id: 1, result: { serverInfo: expect.any(Object) } });
    terminal.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    terminal.send({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
    const listed = (await terminal.nextMessage()) as { id: number; result: { tools: { name: string }[] } };
    expect(listed.id).toBe(2);
    expect(listed.result.tools.map((t) => t.name)).toEqual(tools.map((t) => t.name));
    expect(lines).toEqual([expect.objectContaining({ msg: 'serving MCP on stdio', tools: tools.length })]);
    terminal.stdin.end();
    await expect(served).resolves.toBeUndefined();
  });

  it('stops when the transport closes itself: a line of more than 10 MiB without its newline ends the session', async () => {
    const terminal = fakeTerminal();
    const { server } = staticRuntime(
      configSchema.parse({}),
      apiTokenAuth,
      createLogger('error', {}, () => {}),
    );
    const served = runStdio(
      server,
      createLogger('error', {}, () => {}),
    );
    terminal.send({ jsonrpc: '2.0', id: 1, method: 'ping' });
    expect(await terminal.nextMessage()).toMatchObject({ id: 1, result: {} });
    // stdin stays open: only the transport's own close can end the session.
    terminal.stdin.write(Buffer.alloc(10 * 1024 * 1024 + 1, 'x'));
    await expect(served).resolves.toBeUndefined();
    expect(terminal.stdin.writableEnded).toBe(false);
  });
});
