import { request } from 'node:http';
import { afterEach, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { silentLogger } from '../../src/log.js';
import { staticRuntime } from '../../src/runtime.js';
import { type RunningHttpServer, startHttpServer } from '../../src/transports/http.js';

// The HTTP server listens before what it serves is built (the public URL may depend on the port it got), so a request
// can arrive in between; it must be told to retry, not crash the server.

const running: Promise<RunningHttpServer>[] = [];
afterEach(async () => {
  for (const server of await Promise.all(running.splice(0))) await server.close();
});

function post(port: number, path: string, headers: Record<string, string>) {
  return new Promise<{ status: number; retryAfter: string | undefined; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        body += d;
      });
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          retryAfter: res.headers['retry-after'] as string | undefined,
          body,
        }),
      );
    });
    req.on('error', reject);
    req.end('{}');
  });
}

it('answers a request that arrives while it is still starting with 503 and Retry-After', async () => {
  const config = configSchema.parse({ http: { port: 0 } });
  let port = 0;
  let asked: (() => void) | undefined;
  const answered = new Promise<{ status: number; retryAfter: string | undefined; body: string }>(
    (resolve, reject) => {
      asked = () => {
        // A form post with an opaque Origin asks whether the connect pages, not built yet, own the path: refused, as
        // no page is there to judge it. Then an MCP request.
        post(port, '/connect/form', { origin: 'null', host: `127.0.0.1:${port}` })
          .then(async (form) => {
            expect(form.status).toBe(403);
            return post(port, '/mcp', { 'content-type': 'application/json', host: `127.0.0.1:${port}` });
          })
          .then(resolve, reject);
      };
    },
  );
  let release: (() => void) | undefined;
  const built = new Promise<void>((resolve) => {
    release = resolve;
  });
  running.push(
    startHttpServer({
      http: config.http,
      batch: config.limits,
      log: silentLogger,
      build: async (publicUrl) => {
        port = Number(new URL(publicUrl).port);
        asked?.();
        await built;
        return staticRuntime(config, undefined, silentLogger);
      },
    }),
  );
  try {
    const answer = await answered;
    expect(answer.status).toBe(503);
    expect(answer.retryAfter).toBe('1');
    expect(JSON.parse(answer.body)).toMatchObject({ error: { message: 'Starting up; retry shortly' } });
  } finally {
    release?.();
  }
});
