// What the transports tell the operator: the stdio start-up line says who answered the client's first questions,
// the HTTP drain says whether every call finished, and the loopback connect server fails loudly on a port it cannot
// use for any reason but another instance holding it.
import { Server } from 'node:net';
import { PassThrough } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { configSchema } from '../../../src/config/schema.js';
import { createLogger } from '../../../src/log.js';
import { staticRuntime } from '../../../src/runtime.js';
import type { StdioFront } from '../../../src/start/index.js';
import { startHttpServer } from '../../../src/transports/http.js';
import { startLoopbackConnectServer } from '../../../src/transports/loopback.js';
import { runStdio } from '../../../src/transports/stdio.js';
import { apiTokenAuth } from '../../support/mcp.js';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  return { lines, log: createLogger('info', {}, (line) => lines.push(JSON.parse(line))) };
}

describe('the stdio start-up line', () => {
  it('says whether the front kept the start answers or the server gave them', async () => {
    for (const [answered, said] of [
      [true, 'kept'],
      [false, 'server'],
    ] as const) {
      const { lines, log } = capture();
      const input = new PassThrough();
      const front: StdioFront = {
        loadNow: Promise.resolve(),
        handOver: () => ({ input, output: new PassThrough(), answered }),
      };
      const { server } = staticRuntime(configSchema.parse({}), apiTokenAuth, log);
      const served = runStdio(server, log, front);
      input.end();
      await served;
      expect(lines).toContainEqual(
        expect.objectContaining({ msg: 'serving MCP on stdio', startAnswers: said }),
      );
    }
  });
});

describe('the HTTP drain', () => {
  it('logs that it stopped taking calls, whether all finished, and how many did not', async () => {
    const { lines, log } = capture();
    const config = configSchema.parse({ http: { port: 0 } });
    const http = await startHttpServer({
      http: config.http,
      batch: config.limits,
      log,
      build: () => staticRuntime(config, apiTokenAuth, log),
    });
    expect(await http.shutdown(1_000)).toBe(true);
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 'info', msg: 'stopped taking calls', finished: true, unfinished: 0 }),
    );
  });
});

describe('the loopback connect server', () => {
  const pages = { handles: () => false, isFormTarget: () => false, handle: async () => {} };

  it('fails on a port it cannot listen on for another reason than its being taken', async () => {
    const { lines, log } = capture();
    // As on a port below 1024 without the right to it (these tests may run as root, who has it).
    const listen = vi.spyOn(Server.prototype, 'listen').mockImplementation(function (this: Server) {
      process.nextTick(() =>
        this.emit('error', Object.assign(new Error('listen EACCES'), { code: 'EACCES' })),
      );
      return this;
    });
    try {
      await expect(startLoopbackConnectServer(pages, 80, log)).rejects.toMatchObject({ code: 'EACCES' });
    } finally {
      listen.mockRestore();
    }
    expect(lines).toEqual([]);
  });

  it('leaves a taken port to the instance holding it, unless it is required', async () => {
    const { lines, log } = capture();
    const first = await startLoopbackConnectServer(pages, 0, log);
    if (!first) throw new Error('the first server did not start');
    try {
      expect(await startLoopbackConnectServer(pages, first.port, log)).toBeUndefined();
      expect(lines).toContainEqual(
        expect.objectContaining({
          msg: 'connect callback port in use; another local instance serves it',
          port: first.port,
        }),
      );
      await expect(
        startLoopbackConnectServer(pages, first.port, log, { required: true }),
      ).rejects.toMatchObject({
        code: 'EADDRINUSE',
      });
    } finally {
      await first.close();
    }
  });
});
