import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeFetch } from '../../src/confluence/node-fetch.js';

// The Confluence client's fetch against real local servers (node:http and node:https), no test doubles between.
const TLS = {
  key: readFileSync(new URL('../fixtures/tls/localhost.key', import.meta.url)),
  cert: readFileSync(new URL('../fixtures/tls/localhost.crt', import.meta.url)),
};

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

const servers: Server[] = [];

/** A local server answering with `handler` once it has read the request body; counts the connections it got. */
async function serve(handler: Handler, tls = false) {
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => handler(req, res, body));
  };
  const server = tls ? createTlsServer(TLS, listener) : createServer(listener);
  const stats = { connections: 0 };
  server.on(tls ? 'secureConnection' : 'connection', () => {
    stats.connections++;
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`, port, stats };
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe('nodeFetch', () => {
  it('sends method, headers and body, and answers as fetch does, over one kept-alive connection', async () => {
    const seen: { method?: string; type?: string; length?: string; body: string }[] = [];
    const { url, stats } = await serve((req, res, body) => {
      seen.push({
        method: req.method,
        type: req.headers['content-type'],
        length: req.headers['content-length'],
        body,
      });
      res.writeHead(201, 'Made', { 'content-type': 'application/json', 'x-id': '7' }).end('{"id":"7"}');
    });
    const fetch = nodeFetch();
    for (let n = 0; n < 2; n++) {
      const response = await fetch(`${url}/pages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"title":"Ü"}',
      });
      expect(response.status).toBe(201);
      expect(response.statusText).toBe('Made');
      expect(response.ok).toBe(true);
      expect(response.headers.get('x-id')).toBe('7');
      expect(await response.json()).toEqual({ id: '7' });
    }
    expect(seen).toEqual([
      { method: 'POST', type: 'application/json', length: '14', body: '{"title":"Ü"}' },
      { method: 'POST', type: 'application/json', length: '14', body: '{"title":"Ü"}' },
    ]);
    expect(stats.connections).toBe(1);
  });

  it('talks TLS, trusting what it is told to trust, and refuses a certificate it cannot verify', async () => {
    const { url, port } = await serve((_req, res) => res.end('secure'), true);
    const trusting = nodeFetch({ tls: { ca: TLS.cert } });
    expect(await (await trusting(`${url}/x`)).text()).toBe('secure');
    expect(await (await trusting(`https://localhost:${port}/x`)).text()).toBe('secure');
    const error = await nodeFetch()(`${url}/x`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect(((error as TypeError).cause as Error).message).toMatch(/certificate/);
  });

  it('asks for compressed answers and decodes gzip, deflate (wrapped or raw) and brotli', async () => {
    const text = JSON.stringify({ body: 'x'.repeat(5000) });
    const encoders: Record<string, (input: string) => Buffer> = {
      gzip: (input) => gzipSync(input),
      deflate: (input) => deflateSync(input),
      'deflate-raw': (input) => deflateRawSync(input),
      br: (input) => brotliCompressSync(input),
    };
    const asked: (string | undefined)[] = [];
    const { url } = await serve((req, res) => {
      asked.push(req.headers['accept-encoding']);
      const coding = (req.url ?? '').slice(1);
      const encode = encoders[coding] as (input: string) => Buffer;
      res.writeHead(200, { 'content-encoding': coding.replace('-raw', '') }).end(encode(text));
    });
    const fetch = nodeFetch();
    for (const coding of Object.keys(encoders)) {
      expect(await (await fetch(`${url}/${coding}`)).text()).toBe(text);
    }
    expect(asked).toEqual(Array(4).fill('gzip, deflate, br'));
  });

  it('gives answers without a body a null body: 204, 304 and HEAD', async () => {
    const { url } = await serve((req, res) => {
      if (req.method === 'HEAD') return res.writeHead(200, { 'content-length': '3' }).end();
      res.writeHead(req.url === '/none' ? 204 : 304).end();
    });
    const fetch = nodeFetch();
    expect((await fetch(`${url}/none`)).body).toBeNull();
    expect((await fetch(`${url}/same`)).body).toBeNull();
    const head = await fetch(`${url}/x`, { method: 'HEAD' });
    expect(head.body).toBeNull();
    expect(head.headers.get('content-length')).toBe('3');
  });

  it('follows redirects as fetch does: credentials stay on their origin, a 303 turns a POST into a GET', async () => {
    const seen: string[] = [];
    const other = await serve((req, res, body) => {
      seen.push(
        `other ${req.method} ${req.url} auth=${req.headers.authorization ?? '-'} body=${body || '-'}`,
      );
      res.end('there');
    });
    const { url, port } = await serve((req, res, body) => {
      seen.push(`home ${req.method} ${req.url} auth=${req.headers.authorization ?? '-'} body=${body || '-'}`);
      const to: Record<string, [number, string]> = {
        '/same': [302, '/landing'],
        '/away': [301, `${other.url}/landing`],
        // The same port under another host name is another origin.
        '/host': [308, `http://localhost:${port}/landing`],
        '/see-other': [303, '/landing'],
        '/temporary': [307, '/landing'],
      };
      const target = to[req.url ?? ''];
      if (target) return res.writeHead(target[0], { location: target[1] }).end();
      res.end('here');
    });
    const fetch = nodeFetch();
    const authorization = 'Bearer secret';
    expect(await (await fetch(`${url}/same`, { headers: { authorization } })).text()).toBe('here');
    expect(await (await fetch(`${url}/away`, { headers: { authorization } })).text()).toBe('there');
    await fetch(`${url}/host`, { headers: { authorization } });
    await fetch(`${url}/see-other`, { method: 'POST', body: 'b1', headers: { authorization } });
    await fetch(`${url}/temporary`, { method: 'PUT', body: 'b2', headers: { authorization } });
    expect(seen).toEqual([
      'home GET /same auth=Bearer secret body=-',
      'home GET /landing auth=Bearer secret body=-',
      'home GET /away auth=Bearer secret body=-',
      'other GET /landing auth=- body=-',
      'home GET /host auth=Bearer secret body=-',
      'home GET /landing auth=- body=-',
      'home POST /see-other auth=Bearer secret body=b1',
      'home GET /landing auth=Bearer secret body=-',
      'home PUT /temporary auth=Bearer secret body=b2',
      'home PUT /landing auth=Bearer secret body=b2',
    ]);
  });

  it('hands a redirect back when told to, refuses it when told to, and gives up on a loop', async () => {
    let hops = 0;
    const { url } = await serve((_req, res) => {
      hops++;
      res.writeHead(302, { location: '/again' }).end();
    });
    const fetch = nodeFetch();
    const manual = await fetch(`${url}/start`, { redirect: 'manual' });
    expect(manual.status).toBe(302);
    expect(manual.headers.get('location')).toBe('/again');
    await expect(fetch(`${url}/start`, { redirect: 'error' })).rejects.toThrow(TypeError);
    hops = 0;
    const loop = await fetch(`${url}/start`).catch((e: unknown) => e);
    expect(((loop as TypeError).cause as Error).message).toMatch(/redirect count exceeded/);
    expect(hops).toBe(21);
  });

  it('rejects with the signal’s reason when aborted, and closes the connection it was waiting on', async () => {
    let arrived: () => void = () => {};
    const reached = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    let closed: () => void = () => {};
    const connectionClosed = new Promise<void>((resolve) => {
      closed = resolve;
    });
    const { url } = await serve((req) => {
      req.socket.once('close', closed);
      arrived();
    });
    const controller = new AbortController();
    const pending = nodeFetch()(`${url}/hang`, { signal: controller.signal });
    await reached;
    const reason = new Error('the caller gave up');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    await connectionClosed;
    await expect(nodeFetch()(`${url}/hang`, { signal: controller.signal })).rejects.toBe(reason);
  });

  it('fails as fetch does when there is no answer: refused connection, or one closed mid-answer', async () => {
    const { url, port } = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
      res.socket?.destroy();
    });
    const fetch = nodeFetch();
    const cut = await fetch(`${url}/x`).catch((e: unknown) => e);
    expect(cut).toBeInstanceOf(TypeError);
    expect((cut as TypeError).message).toBe('fetch failed');
    const closed = servers.pop() as Server;
    closed.closeAllConnections();
    await new Promise((resolve) => closed.close(resolve));
    const refused = await fetch(`http://127.0.0.1:${port}/x`).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TypeError);
    expect(((refused as TypeError).cause as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
  });
});
