import { request as httpRequest } from 'node:http';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { silentLogger } from '../../src/log.js';
import type { ServerFactory } from '../../src/mcp/server.js';
import { staticRuntime } from '../../src/runtime.js';
import { type RunningHttpServer, startHttpServer } from '../../src/transports/http.js';

// A client that goes away in the middle of a tool call: the call is aborted (its signal fires), whether its POST
// is answered as JSON or as a stream. Over real HTTP to the transport in this process.

const running: RunningHttpServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

/** A server with one tool that waits until its call is aborted, reporting when it started and when it was aborted. */
function waitingTool() {
  let started!: () => void;
  let aborted!: () => void;
  const events = {
    started: new Promise<void>((resolve) => {
      started = resolve;
    }),
    aborted: new Promise<void>((resolve) => {
      aborted = resolve;
    }),
  };
  const factory: ServerFactory = {
    toolCount: 1,
    notifyingTools: new Set(),
    async connect(transport) {
      const server = new McpServer({ name: 'wait', version: '1.0.0' });
      server.registerTool('wait', { description: 'waits' }, async (extra) => {
        started();
        await new Promise<void>((resolve) => extra.signal.addEventListener('abort', () => resolve()));
        aborted();
        return { content: [] };
      });
      await server.connect(transport);
      return server;
    },
  };
  return { factory, events };
}

async function serve(factory: ServerFactory) {
  const config = configSchema.parse({ http: { port: 0 } });
  const server = await startHttpServer({
    http: config.http,
    batch: config.limits,
    log: silentLogger,
    build: () => ({ ...staticRuntime(config, undefined, silentLogger), server: factory }),
  });
  running.push(server);
  return server;
}

describe('a client that goes away in the middle of a call', () => {
  it.each([
    ['answered as JSON', {}],
    ['answered as a stream (progress asked for)', { _meta: { progressToken: 'p1' } }],
  ])('aborts the call when its POST is %s', async (_how, extra) => {
    const { factory, events } = waitingTool();
    const server = await serve(factory);
    const body = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: 'wait', arguments: {}, ...extra },
    });
    const request = httpRequest(server.mcpUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': '2025-06-18',
      },
    });
    request.on('error', () => {});
    request.end(body);
    await events.started;
    request.destroy();
    await events.aborted;
    expect(request.destroyed).toBe(true);
  });
});
