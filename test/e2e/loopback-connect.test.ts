import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, type Logger } from '../../src/log.js';
import type { ConnectPages } from '../../src/transports/connect-pages.js';
import { startLoopbackConnectServer } from '../../src/transports/loopback.js';

// The stdio user's small server for the connect pages and the OAuth callback, in this process, over real HTTP.

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

function logCapture() {
  const lines: Record<string, unknown>[] = [];
  const log: Logger = createLogger('debug', {}, (line) => lines.push(JSON.parse(line)));
  return { log, lines };
}

/** Connect pages that serve /connect/* and /callback, with /connect/form as their form, recording what they saw. */
function pages(handle?: (res: ServerResponse, path: string) => Promise<void>) {
  const seen: string[] = [];
  const flow: ConnectPages = {
    handles: (path) => path.startsWith('/connect/') || path === '/callback',
    isFormTarget: (path) => path === '/connect/form',
    handle: async (req: IncomingMessage, res: ServerResponse, path: string) => {
      seen.push(`${req.method} ${path}`);
      if (handle) return handle(res, path);
      res.writeHead(200, { 'content-type': 'text/html' }).end(`<p>page ${path}</p>`);
    },
  };
  return { flow, seen };
}

function send(port: number, path: string, init: { method?: string; headers?: Record<string, string> } = {}) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: init.method ?? 'GET', headers: init.headers ?? {} },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          text += d;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function start(flow: ConnectPages, log: Logger, port = 0, options = {}) {
  const server = await startLoopbackConnectServer(flow, port, log, options);
  if (server) closers.push(() => server.close());
  return server;
}

describe('the loopback connect server', () => {
  it('serves the connect pages and the callback with the query left to them, and nothing else', async () => {
    const { flow, seen } = pages();
    const server = await start(flow, logCapture().log);
    const port = server?.port ?? 0;
    expect(port).toBeGreaterThan(0);
    // Only this machine can reach it.
    expect(server?.address).toBe('127.0.0.1');
    const page = await send(port, '/callback?code=c&state=s', { headers: { host: `127.0.0.1:${port}` } });
    expect(page).toEqual({ status: 200, text: '<p>page /callback</p>' });
    const other = await send(port, '/mcp', { headers: { host: `localhost:${port}` } });
    expect(other).toEqual({ status: 404, text: 'Not found' });
    expect(seen).toEqual(['GET /callback']);
  });

  it('refuses a foreign Host or Origin before the pages see the request', async () => {
    const { flow, seen } = pages();
    const port = (await start(flow, logCapture().log))?.port ?? 0;
    const host = { host: `127.0.0.1:${port}` };
    const rebinding = await send(port, '/connect/x', { headers: { host: `evil.example:${port}` } });
    expect(rebinding.status).toBe(403);
    expect(rebinding.text).toMatch(/^Host not allowed/);
    const foreign = await send(port, '/connect/x', { headers: { ...host, origin: 'https://evil.example' } });
    expect(foreign.status).toBe(403);
    expect(seen).toEqual([]);
  });

  it('takes pages opened from another local port (a browser on localhost), as a loopback server may', async () => {
    const { flow, seen } = pages();
    const port = (await start(flow, logCapture().log))?.port ?? 0;
    const local = { host: `127.0.0.1:${port}`, origin: 'http://localhost:6274' };
    expect((await send(port, '/connect/x', { headers: local })).status).toBe(200);
    expect(seen).toEqual(['GET /connect/x']);
  });

  it('lets an opaque Origin through only for a POST of the pages’ own form', async () => {
    const { flow, seen } = pages();
    const port = (await start(flow, logCapture().log))?.port ?? 0;
    const opaque = { host: `127.0.0.1:${port}`, origin: 'null' };
    expect((await send(port, '/connect/form', { method: 'POST', headers: opaque })).status).toBe(200);
    expect((await send(port, '/connect/form', { method: 'GET', headers: opaque })).status).toBe(403);
    expect((await send(port, '/connect/other', { method: 'POST', headers: opaque })).status).toBe(403);
    expect(seen).toEqual(['POST /connect/form']);
  });

  it('answers 500 and logs a failure the pages let escape, and only ends a page already started', async () => {
    const { log, lines } = logCapture();
    const { flow } = pages(async (res, path) => {
      if (path === '/connect/half') res.writeHead(200).write('partial');
      throw new Error(`broken at ${path}`);
    });
    const port = (await start(flow, log))?.port ?? 0;
    const host = { host: `127.0.0.1:${port}` };
    expect(await send(port, '/connect/x', { headers: host })).toEqual({
      status: 500,
      text: 'Internal error',
    });
    expect(lines.find((l) => l.msg === 'connect page failed')).toMatchObject({
      level: 'error',
      error: { message: 'broken at /connect/x' },
    });
    // A page already started cannot become a 500: the client gets the start of the page, and nothing is written over it.
    const half = await new Promise<{ status: number; first: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/connect/half', headers: host }, (res) => {
        res.setEncoding('utf8');
        res.once('data', (first: string) => {
          resolve({ status: res.statusCode ?? 0, first });
          req.destroy();
        });
      });
      req.on('error', reject);
      req.end();
    });
    expect(half).toEqual({ status: 200, first: 'partial' });
    expect(lines.filter((l) => l.msg === 'connect page failed')).toHaveLength(2);
  });

  it('steps aside when another instance has the port, unless it is required', async () => {
    const other = createServer();
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', () => resolve()));
    closers.push(() => new Promise((resolve) => other.close(() => resolve())));
    const port = (other.address() as AddressInfo).port;
    const { log, lines } = logCapture();
    expect(await start(pages().flow, log, port)).toBeUndefined();
    expect(
      lines.find((l) => l.msg === 'connect callback port in use; another local instance serves it'),
    ).toMatchObject({ level: 'info', port });
    await expect(start(pages().flow, log, port, { required: true })).rejects.toMatchObject({
      code: 'EADDRINUSE',
    });
  });

  it('stops serving once closed', async () => {
    const server = await startLoopbackConnectServer(pages().flow, 0, logCapture().log);
    const port = server?.port ?? 0;
    await server?.close();
    await expect(send(port, '/callback', { headers: { host: `127.0.0.1:${port}` } })).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
  });
});
