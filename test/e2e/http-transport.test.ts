import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectFlow } from '../../src/auth/atlassian/connect-flow.js';
import {
  CallerKeysUnavailableError,
  type CallerVerifier,
  InsufficientCallerScopeError,
  InvalidCallerTokenError,
  type VerifiedCaller,
} from '../../src/auth/caller/index.js';
import { StoreRecords } from '../../src/auth/records.js';
import type { Caller, SessionProvider } from '../../src/auth/session.js';
import { generateEncryptionKey, parseEncryptionKeys } from '../../src/auth/store/index.js';
import { configSchema } from '../../src/config/schema.js';
import { createLogger, type Logger, silentLogger } from '../../src/log.js';
import { CapabilityMemory, type CapabilityStore } from '../../src/mcp/capabilities.js';
import { DynamicToolsets } from '../../src/mcp/dynamic.js';
import { createServer } from '../../src/mcp/server.js';
import { PACKAGE } from '../../src/paths.js';
import { staticRuntime } from '../../src/runtime.js';
import { type HttpServing, type RunningHttpServer, startHttpServer } from '../../src/transports/http.js';
import { ALL_TOOLS, selectTools } from '../../tools/index.js';
import { textOf } from '../support/mcp.js';

// The HTTP transport in this process, spoken to over real HTTP with node's own client, so tests control exactly
// what goes on the wire: chunked bodies, missing headers, half-sent requests.

const running: RunningHttpServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: {
    protocolVersion: '2025-06-18',
    capabilities: { elicitation: {} },
    clientInfo: { name: 't', version: '1' },
  },
};

function logCapture() {
  const lines: Record<string, unknown>[] = [];
  const log: Logger = createLogger('debug', {}, (line) => lines.push(JSON.parse(line)));
  return { log, lines };
}

async function serve(
  options: {
    http?: Record<string, unknown>;
    runtime?: (publicUrl: string) => Partial<HttpServing> | Promise<Partial<HttpServing>>;
    log?: Logger;
    metricsToken?: string;
  } = {},
) {
  const config = configSchema.parse({ http: { port: 0, maxBodyBytes: 2048, ...options.http } });
  const server = await startHttpServer({
    http: config.http,
    batch: config.limits,
    log: options.log ?? silentLogger,
    metricsToken: options.metricsToken,
    build: async (publicUrl) => ({
      ...staticRuntime(config, undefined, silentLogger),
      ...(await options.runtime?.(publicUrl)),
    }),
  });
  running.push(server);
  return server;
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json: () => Record<string, unknown>;
}

/** One request; `chunks` are written one by one with chunked encoding unless a content-length header is given. */
function send(
  url: string,
  init: {
    method?: string;
    headers?: Record<string, string>;
    chunks?: (string | Buffer)[];
    end?: boolean;
  } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: init.method ?? 'POST', headers: init.headers ?? {} }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        text += d;
      });
      res.on('end', () => {
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text,
          json: () => JSON.parse(text) as Record<string, unknown>,
        });
        req.destroy();
      });
    });
    req.on('error', reject);
    for (const chunk of init.chunks ?? []) req.write(chunk);
    if (init.end !== false) req.end();
  });
}

const json = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

describe('HTTP transport: request bodies', () => {
  it('refuses a chunked body over the cap with 413 before it is read whole', async () => {
    const http = await serve();
    // The request is never finished: only a server that counts as it reads can answer it.
    const answer = await send(http.mcpUrl, {
      headers: json,
      chunks: [
        '{"jsonrpc":"2.0","id":1,"method":"ping","params":{"pad":"',
        'x'.repeat(1500),
        'x'.repeat(1500),
      ],
      end: false,
    });
    expect(answer.status).toBe(413);
    expect(answer.json()).toEqual({
      jsonrpc: '2.0',
      error: { code: -32600, message: 'Request body larger than 2048 bytes' },
      id: null,
    });
    // A server that waits for the end of the body never answers: fail in seconds, not at the suite's 30 s.
  }, 10_000);

  it('refuses a finished chunked body over the cap, even when it is valid JSON', async () => {
    const http = await serve();
    const body = JSON.stringify({ ...INITIALIZE, params: { ...INITIALIZE.params, pad: 'x'.repeat(3000) } });
    const answer = await send(http.mcpUrl, {
      headers: json,
      chunks: [body.slice(0, 1000), body.slice(1000)],
    });
    expect(answer.status).toBe(413);
  });

  it('refuses a body whose declared length is over the cap without waiting for it', async () => {
    const http = await serve();
    const answer = await send(http.mcpUrl, {
      headers: { ...json, 'content-length': '2049' },
      chunks: ['{'],
      end: false,
    });
    expect(answer.status).toBe(413);
    expect(answer.json()).toMatchObject({
      error: { code: -32600, message: 'Request body larger than 2048 bytes' },
    });
  }, 10_000);

  it('serves a body whose declared length is exactly the cap', async () => {
    const http = await serve();
    const base = JSON.stringify({ ...INITIALIZE, params: { ...INITIALIZE.params, pad: '' } });
    const body = JSON.stringify({
      ...INITIALIZE,
      params: { ...INITIALIZE.params, pad: 'x'.repeat(2048 - base.length) },
    });
    const answer = await send(http.mcpUrl, {
      headers: { ...json, 'content-length': String(Buffer.byteLength(body)) },
      chunks: [body],
    });
    expect(answer.status).toBe(200);
  });

  it('serves a chunked body of exactly the cap', async () => {
    const http = await serve();
    const base = JSON.stringify({ ...INITIALIZE, params: { ...INITIALIZE.params, pad: '' } });
    const body = JSON.stringify({
      ...INITIALIZE,
      params: { ...INITIALIZE.params, pad: 'x'.repeat(2048 - base.length) },
    });
    expect(Buffer.byteLength(body)).toBe(2048);
    const answer = await send(http.mcpUrl, {
      headers: json,
      chunks: [body.slice(0, 1024), body.slice(1024)],
    });
    expect(answer.status).toBe(200);
    expect(answer.text).toContain('"protocolVersion"');
  });

  it('answers a body that is not JSON with a JSON-RPC parse error', async () => {
    const http = await serve();
    const answer = await send(http.mcpUrl, { headers: json, chunks: ['{"jsonrpc": '] });
    expect(answer.status).toBe(400);
    expect(answer.json()).toMatchObject({
      error: { code: -32700, message: 'Parse error: the body is not JSON' },
    });
  });

  it('accepts application/json with parameters in any case, and refuses other content types with 415', async () => {
    const http = await serve();
    const body = JSON.stringify(INITIALIZE);
    const ok = await send(http.mcpUrl, {
      headers: { ...json, 'content-type': 'Application/JSON; charset=utf-8' },
      chunks: [body],
    });
    expect(ok.status).toBe(200);
    for (const type of ['text/plain', 'application/jsonx', 'multipart/form-data; a=application/json']) {
      const refused = await send(http.mcpUrl, { headers: { ...json, 'content-type': type }, chunks: [body] });
      expect(refused.status, type).toBe(415);
      expect(refused.json()).toMatchObject({
        error: { code: -32600, message: 'Content-Type must be application/json' },
      });
    }
    const none = await send(http.mcpUrl, { headers: { accept: json.accept }, chunks: [body] });
    expect(none.status).toBe(415);
  });
});

describe('HTTP transport: answer format', () => {
  const call = (meta?: Record<string, unknown>) =>
    JSON.stringify({
      jsonrpc: '2.0',
      id: 7,
      method: 'tools/call',
      params: { name: 'confluence_get_connection', arguments: {}, ...(meta ? { _meta: meta } : {}) },
    });

  it('answers a call that asked for no progress with one JSON body, not an event stream', async () => {
    const http = await serve();
    const answer = await send(http.mcpUrl, { headers: json, chunks: [call()] });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    const reply = answer.json() as { id: number; result: { structuredContent: { connected: boolean } } };
    expect(reply.id).toBe(7);
    expect(reply.result.structuredContent.connected).toBe(false);
  });

  it('answers a call that asked for progress with an event stream, the only way progress can reach it', async () => {
    const http = await serve();
    for (const progressToken of ['p-1', 42]) {
      const answer = await send(http.mcpUrl, { headers: json, chunks: [call({ progressToken })] });
      expect(answer.status).toBe(200);
      expect(answer.headers['content-type']).toMatch(/^text\/event-stream/);
      expect(answer.text).toMatch(/^event: message\ndata: \{.*"id":7/m);
    }
  });

  it('does not take a progress token of the wrong type, or one outside _meta, as a request for a stream', async () => {
    const http = await serve();
    const odd = [
      call({ progressToken: { nested: true } }),
      call({ progressToken: null }),
      JSON.stringify({
        jsonrpc: '2.0',
        id: 7,
        method: 'tools/call',
        params: { name: 'confluence_get_connection', arguments: { _meta: { progressToken: 'x' } } },
      }),
    ];
    for (const body of odd) {
      const answer = await send(http.mcpUrl, { headers: json, chunks: [body] });
      expect(answer.headers['content-type'], body).toMatch(/^application\/json/);
    }
  });
});

describe('HTTP transport: routes', () => {
  it('answers GET and DELETE on /mcp with 405 and says to POST, as a stateless server has no stream or session', async () => {
    const http = await serve();
    for (const method of ['GET', 'DELETE']) {
      const answer = await send(http.mcpUrl, { method });
      expect(answer.status).toBe(405);
      expect(answer.headers.allow).toBe('POST');
      expect(answer.headers['cache-control']).toBe('no-store');
      expect(answer.json()).toMatchObject({
        error: { code: -32000, message: 'Method not allowed: this server is stateless; use POST' },
      });
    }
  });

  it('reports health on GET and HEAD /healthz, with its name and version', async () => {
    const http = await serve();
    const answer = await send(`${http.url}/healthz?probe=1`, { method: 'GET' });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/json');
    expect(answer.json()).toEqual({ status: 'ok', name: PACKAGE.name, version: PACKAGE.version });
    expect((await send(`${http.url}/healthz`, { method: 'HEAD' })).status).toBe(200);
    expect((await send(`${http.url}/healthz`, { method: 'POST' })).status).toBe(404);
  });

  it('answers other paths with 404 naming the MCP endpoint', async () => {
    const http = await serve();
    const answer = await send(`${http.url}/mcp/extra`, { method: 'GET' });
    expect(answer.status).toBe(404);
    expect(answer.json()).toEqual({
      jsonrpc: '2.0',
      error: { code: -32000, message: 'Not found: the MCP endpoint is /mcp' },
      id: null,
    });
  });

  it('answers 503 with retry-after while it is still starting up', async () => {
    let during: Answer | undefined;
    await serve({
      runtime: async (publicUrl) => {
        during = await send(`${publicUrl}/healthz`, { method: 'GET' });
        return {};
      },
    });
    expect(during?.status).toBe(503);
    expect(during?.headers['retry-after']).toBe('1');
    expect(during?.json()).toMatchObject({ error: { code: -32000, message: 'Starting up; retry shortly' } });
  });

  it('stops listening when what it serves cannot be built', async () => {
    let url = '';
    const failed = serve({
      runtime: (publicUrl) => {
        url = publicUrl;
        throw new Error('no store');
      },
    });
    await expect(failed).rejects.toThrow('no store');
    await expect(send(`${url}/healthz`, { method: 'GET' })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('refuses a request from a foreign web page with 403 and logs why, without the request’s credentials', async () => {
    const { log, lines } = logCapture();
    const http = await serve({ log });
    const answer = await send(http.mcpUrl, {
      headers: { ...json, origin: 'https://evil.example', authorization: 'Bearer secret-token' },
      chunks: [JSON.stringify(INITIALIZE)],
    });
    expect(answer.status).toBe(403);
    expect(answer.headers['content-type']).toBe('application/json');
    expect(answer.headers['cache-control']).toBe('no-store');
    expect(answer.json()).toMatchObject({ jsonrpc: '2.0', error: { code: -32000 }, id: null });
    const refused = lines.find((l) => l.msg === 'refused request');
    expect(refused).toMatchObject({
      level: 'warn',
      origin: 'https://evil.example',
      reason: expect.any(String),
    });
    expect(JSON.stringify(lines)).not.toContain('secret-token');
  });

  it('answers a handler’s unexpected failure with 500, logging it with the path', async () => {
    const { log, lines } = logCapture();
    const flow = {
      handles: (path: string) => path.startsWith('/connect/'),
      handle: async (_req: unknown, _res: unknown, path: string) => {
        throw new Error(`broken at ${path}`);
      },
    } as unknown as ConnectFlow;
    const http = await serve({ log, runtime: () => ({ flow }) });
    const answer = await send(`${http.url}/connect/abc`, { method: 'GET' });
    expect(answer.status).toBe(500);
    expect(answer.json()).toMatchObject({ error: { code: -32603, message: 'Internal error' } });
    expect(lines.find((l) => l.msg === 'request failed')).toMatchObject({
      level: 'error',
      path: '/connect/abc',
      error: { message: 'broken at /connect/abc' },
    });
  });

  it('ends a response whose handler failed after starting it, instead of writing a second one', async () => {
    const flow = {
      handles: (path: string) => path === '/connect/half',
      handle: async (_req: unknown, res: import('node:http').ServerResponse) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('partial');
        throw new Error('late failure');
      },
    } as unknown as ConnectFlow;
    const http = await serve({ runtime: () => ({ flow }) });
    const answer = await send(`${http.url}/connect/half`, { method: 'GET' });
    expect(answer.status).toBe(200);
    expect(answer.text).toBe('partial');
  });
});

describe('HTTP transport: where it says it is', () => {
  it('serves at its listening URL when no public URL is configured', async () => {
    const http = await serve();
    expect(http.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(http.publicUrl).toBe(http.url);
    expect(http.mcpUrl).toBe(`${http.url}/mcp`);
  });

  it('names localhost as its public URL when listening on every interface, and warns it verifies no caller', async () => {
    const { log, lines } = logCapture();
    const http = await serve({ log, http: { host: '0.0.0.0' } });
    const port = new URL(http.url).port;
    expect(http.publicUrl).toBe(`http://localhost:${port}`);
    expect(http.mcpUrl).toBe(`http://localhost:${port}/mcp`);
    const warnings = lines.filter((l) => l.level === 'warn').map((l) => l.msg);
    expect(warnings).toEqual([
      expect.stringMatching(/^listening beyond loopback without http.publicUrl or http.allowedHosts/),
      expect.stringMatching(/^serving beyond loopback without verifying callers/),
    ]);
    // A Host of localhost is accepted, as the public URL says.
    const answer = await send(`http://127.0.0.1:${port}/healthz`, {
      method: 'GET',
      headers: { host: `localhost:${port}` },
    });
    expect(answer.status).toBe(200);
  });

  it('uses the configured public URL, and does not warn about Host headers when one is set', async () => {
    const { log, lines } = logCapture();
    let built = '';
    const http = await serve({
      log,
      http: { host: '0.0.0.0', publicUrl: 'https://mcp.example.com' },
      runtime: (publicUrl) => {
        built = publicUrl;
        return {};
      },
    });
    expect(built).toBe('https://mcp.example.com');
    expect(http.publicUrl).toBe('https://mcp.example.com');
    expect(http.mcpUrl).toBe('https://mcp.example.com/mcp');
    expect(lines.filter((l) => l.level === 'warn').map((l) => l.msg)).toEqual([
      expect.stringMatching(/^serving beyond loopback without verifying callers/),
    ]);
    expect(lines.find((l) => l.msg === 'serving MCP over Streamable HTTP')).toMatchObject({
      url: 'https://mcp.example.com/mcp',
      callers: 'unverified',
      tools: expect.any(Number),
    });
  });

  it('refuses to start on a port another server holds', async () => {
    const first = await serve();
    const port = Number(new URL(first.url).port);
    await expect(serve({ http: { port } })).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });

  it('writes an IPv6 listening address in brackets', async () => {
    const http = await serve({ http: { host: '::1' } });
    expect(http.url).toMatch(/^http:\/\/\[::1\]:\d+$/);
    expect(http.publicUrl).toBe(http.url);
    expect((await send(`${http.url}/healthz`, { method: 'GET' })).status).toBe(200);
  });

  it('names localhost as its public URL when listening on every IPv6 interface', async () => {
    const http = await serve({ http: { host: '::' } });
    const port = new URL(http.url).port;
    expect(http.publicUrl).toBe(`http://localhost:${port}`);
  });

  it('warns about nothing on loopback', async () => {
    const { log, lines } = logCapture();
    await serve({ log });
    expect(lines.filter((l) => l.level === 'warn')).toEqual([]);
  });

  it('limits how long a client may take to send its headers and its whole request', async () => {
    const http = await serve();
    expect(http.server.headersTimeout).toBe(15_000);
    expect(http.server.requestTimeout).toBe(60_000);
  });

  it('closes what it serves when it is closed', async () => {
    let closed = 0;
    const http = await serve({
      runtime: () => ({
        close: async () => {
          closed += 1;
        },
      }),
    });
    running.splice(running.indexOf(http), 1);
    await http.close();
    expect(closed).toBe(1);
    expect(http.server.listening).toBe(false);
  });
});

/** A verifier that knows a few fixed tokens, standing in for the issuer's JWT checks (tested on their own). */
function verifier(): CallerVerifier {
  const caller = (sub: string, claims: VerifiedCaller['claims'], clientId?: string): VerifiedCaller => ({
    userKey: JSON.stringify(['https://idp.example.com', sub]),
    issuer: 'https://idp.example.com',
    subject: sub,
    expiresAt: Math.floor(Date.now() / 1000) + 600,
    scopes: ['mcp'],
    ...(clientId ? { clientId } : {}),
    claims,
    emailVerified: false,
  });
  return {
    async verify(token) {
      switch (token) {
        case 'named':
          return caller(
            'u1',
            { name: 'Priya', email: 'priya@acme.example', preferred_username: 'priya' },
            'app',
          );
        case 'emailed':
          return caller('u2', { email: 'sam@acme.example', preferred_username: 'sam' });
        case 'user-named':
          return caller('u3', { preferred_username: 'lee' });
        case 'bare':
          return caller('u4', {});
        case 'narrow':
          throw new InsufficientCallerScopeError(['mcp']);
        case 'keys-down':
          throw new CallerKeysUnavailableError('jwks unreachable');
        case 'crash':
          throw new Error('verifier bug');
        default:
          throw new InvalidCallerTokenError('bad signature');
      }
    },
  };
}

const records = new StoreRecords(parseEncryptionKeys(generateEncryptionKey('t')));

/**
 * A server that verifies callers with {@link verifier}: `seen` collects the caller each tool call acts for, `infos`
 * the auth info the SDK hands the handlers of each tool call, and `store`, when given, keeps capabilities.
 */
function verifiedServer(extra: { log?: Logger; store?: CapabilityStore } = {}) {
  const seen: (Caller | undefined)[] = [];
  const infos: unknown[] = [];
  const sessions: SessionProvider = {
    session: () => Promise.reject(new Error('not used')),
    describe: async (caller) => {
      seen.push(caller);
      return { connected: false, kind: 'none' };
    },
    disconnect: async () => false,
  };
  const config = configSchema.parse({});
  const factory = createServer({
    tools: selectTools(ALL_TOOLS, config.tools),
    sessions,
    limits: config.limits,
    policy: { spaces: config.tools.spaces, allowPurge: false },
    log: extra.log ?? silentLogger,
    ...(extra.store ? { capabilities: new CapabilityMemory(extra.store, records) } : {}),
  });
  return serve({
    ...(extra.log ? { log: extra.log } : {}),
    runtime: (publicUrl) => ({
      server: {
        toolCount: factory.toolCount,
        notifyingTools: factory.notifyingTools,
        async connect(transport) {
          const server = await factory.connect(transport);
          const deliver = transport.onmessage;
          transport.onmessage = (message, info) => {
            if ('method' in message && message.method === 'tools/call') infos.push(info?.authInfo);
            deliver?.(message, info);
          };
          return server;
        },
      },
      callerAuth: { verifier: verifier(), resource: `${publicUrl}/mcp`, issuer: 'https://idp.example.com' },
    }),
  }).then((http) => ({ http, seen, infos }));
}

/** A capability store that records what is kept, and can be made to fail. */
function recordingStore(fail?: Error) {
  const kept: [string, unknown][] = [];
  const store: CapabilityStore = {
    get: async () => undefined,
    set: async (key, value) => {
      if (fail) throw fail;
      kept.push([key, value]);
    },
  };
  return { store, kept };
}

describe('HTTP transport: verified callers', () => {
  it('asks for a bearer token with a challenge naming where the resource metadata is', async () => {
    const { http } = await verifiedServer();
    const answer = await send(http.mcpUrl, { headers: json, chunks: [JSON.stringify(INITIALIZE)] });
    expect(answer.status).toBe(401);
    expect(answer.headers['www-authenticate']).toBe(
      `Bearer resource_metadata="${http.url}/.well-known/oauth-protected-resource/mcp"`,
    );
    expect(answer.json()).toMatchObject({
      error: { code: -32001, message: 'Authentication required: send a bearer token' },
    });
    for (const authorization of [
      'Basic abc',
      'Bearer',
      'Bearer two tokens',
      'Token named',
      'XBearer named',
    ]) {
      const refused = await send(http.mcpUrl, {
        headers: { ...json, authorization },
        chunks: [JSON.stringify(INITIALIZE)],
      });
      expect(refused.status, authorization).toBe(401);
      expect(refused.headers['www-authenticate'], authorization).not.toContain('error=');
    }
  });

  it('checks the token before reading the body', async () => {
    const { http } = await verifiedServer();
    const answer = await send(http.mcpUrl, {
      headers: { ...json, 'content-type': 'text/plain' },
      chunks: ['x'],
    });
    expect(answer.status).toBe(401);
  });

  it('answers a bad token with 401 and invalid_token, and a token without the scope with 403', async () => {
    const { http } = await verifiedServer();
    const bad = await send(http.mcpUrl, {
      headers: { ...json, authorization: 'Bearer forged' },
      chunks: [JSON.stringify(INITIALIZE)],
    });
    expect(bad.status).toBe(401);
    expect(bad.headers['www-authenticate']).toContain('error="invalid_token"');
    expect(bad.headers['www-authenticate']).toContain('error_description="bad signature"');
    expect(bad.json()).toMatchObject({ error: { code: -32001, message: 'Invalid token: bad signature' } });
    const narrow = await send(http.mcpUrl, {
      headers: { ...json, authorization: 'Bearer narrow' },
      chunks: [JSON.stringify(INITIALIZE)],
    });
    expect(narrow.status).toBe(403);
    expect(narrow.headers['www-authenticate']).toContain('error="insufficient_scope"');
  });

  it('answers 503 when the issuer’s keys cannot be fetched, rather than telling the client to sign in again', async () => {
    const { http } = await verifiedServer();
    const answer = await send(http.mcpUrl, {
      headers: { ...json, authorization: 'Bearer keys-down' },
      chunks: [JSON.stringify(INITIALIZE)],
    });
    expect(answer.status).toBe(503);
    expect(answer.headers['www-authenticate']).toBeUndefined();
    expect(answer.json()).toMatchObject({
      error: { code: -32001, message: "The caller's identity provider cannot be reached; retry shortly" },
    });
  });

  it('answers a verifier that fails unexpectedly with 500, not as a bad token', async () => {
    const { log, lines } = logCapture();
    const { http } = await verifiedServer({ log });
    const answer = await send(http.mcpUrl, {
      headers: { ...json, authorization: 'Bearer crash' },
      chunks: [JSON.stringify(INITIALIZE)],
    });
    expect(answer.status).toBe(500);
    expect(lines.some((l) => l.msg === 'request failed')).toBe(true);
  });

  it('serves its protected-resource metadata at the path-suffixed and the root well-known URLs', async () => {
    const { http } = await verifiedServer();
    for (const path of [
      '/.well-known/oauth-protected-resource/mcp',
      '/.well-known/oauth-protected-resource',
    ]) {
      const answer = await send(`${http.url}${path}`, { method: 'GET' });
      expect(answer.status, path).toBe(200);
      expect(answer.headers['content-type']).toBe('application/json');
      expect(answer.headers['cache-control']).toBe('no-store');
      expect(answer.json()).toEqual({
        resource: `${http.url}/mcp`,
        authorization_servers: ['https://idp.example.com'],
        bearer_methods_supported: ['header'],
        resource_name: 'Confluence (confluence-mcp)',
      });
    }
  });

  it('serves no resource metadata when it verifies no caller', async () => {
    const http = await serve();
    const answer = await send(`${http.url}/.well-known/oauth-protected-resource/mcp`, { method: 'GET' });
    expect(answer.status).toBe(404);
  });

  it('hands tools the verified caller, named by subject at issuer, with a self-chosen name only as a claim', async () => {
    const { http, seen, infos } = await verifiedServer();
    for (const token of ['named', 'emailed', 'user-named', 'bare']) {
      const client = new Client({ name: 't', version: '1' });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(http.mcpUrl), {
          requestInit: { headers: { authorization: `Bearer  ${token} ` } },
        }),
      );
      const result = await client.callTool({ name: 'confluence_get_connection', arguments: {} });
      expect(textOf(result as Parameters<typeof textOf>[0])).toMatch(/Not connected/);
      await client.close();
    }
    // Named by what the issuer vouches for (subject at issuer; an email only when verified), the self-chosen
    // name kept apart as a claim.
    expect(seen).toEqual([
      {
        userKey: '["https://idp.example.com","u1"]',
        label: 'u1 at https://idp.example.com',
        issuer: 'https://idp.example.com',
        subject: 'u1',
        claimedName: 'Priya',
      },
      {
        userKey: '["https://idp.example.com","u2"]',
        label: 'u2 at https://idp.example.com',
        issuer: 'https://idp.example.com',
        subject: 'u2',
        claimedName: 'sam',
      },
      {
        userKey: '["https://idp.example.com","u3"]',
        label: 'u3 at https://idp.example.com',
        issuer: 'https://idp.example.com',
        subject: 'u3',
        claimedName: 'lee',
      },
      {
        userKey: '["https://idp.example.com","u4"]',
        label: 'u4 at https://idp.example.com',
        issuer: 'https://idp.example.com',
        subject: 'u4',
      },
    ]);
    // What the MCP SDK is told about the request: the token's client (or its subject), scopes, expiry, resource.
    expect(infos[0]).toEqual({
      token: 'named',
      clientId: 'app',
      scopes: ['mcp'],
      expiresAt: expect.any(Number),
      resource: new URL(http.mcpUrl),
      extra: {
        caller: {
          userKey: '["https://idp.example.com","u1"]',
          label: 'u1 at https://idp.example.com',
          issuer: 'https://idp.example.com',
          subject: 'u1',
          claimedName: 'Priya',
        },
      },
    });
    expect(infos[1]).toMatchObject({ token: 'emailed', clientId: 'u2' });
  });

  it('remembers what a verified caller declares at initialize, and nothing from an initialize the SDK refuses', async () => {
    const { store, kept } = recordingStore();
    const { http } = await verifiedServer({ store });
    const headers = { ...json, authorization: 'Bearer bare' };
    const urlCapable = {
      ...INITIALIZE,
      params: { ...INITIALIZE.params, capabilities: { elicitation: { url: {} } } },
    };
    expect((await send(http.mcpUrl, { headers, chunks: [JSON.stringify(urlCapable)] })).status).toBe(200);
    // A batch may not hold an initialize, and an initialize needs params: both are refused, and change nothing.
    const batch = await send(http.mcpUrl, {
      headers,
      chunks: [JSON.stringify([{ jsonrpc: '2.0', method: 'notifications/initialized' }, INITIALIZE])],
    });
    expect(batch.status).toBe(400);
    await send(http.mcpUrl, { headers, chunks: [JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'ping' })] });
    await send(http.mcpUrl, {
      headers,
      chunks: [JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'initialize' })],
    });
    // A client that cannot open URLs is remembered as such: the record is replaced, not left as it was.
    await send(http.mcpUrl, { headers, chunks: [JSON.stringify(INITIALIZE)] });
    const u4 = records.capabilities('["https://idp.example.com","u4"]');
    expect(kept).toEqual([
      [u4, { elicitation: { url: {} } }],
      [u4, {}],
    ]);
  });

  it('still serves the initialize when its capabilities cannot be remembered, and logs a warning', async () => {
    const { log, lines } = logCapture();
    const { http } = await verifiedServer({ log, store: recordingStore(new Error('store down')).store });
    const answer = await send(http.mcpUrl, {
      headers: { ...json, authorization: 'Bearer bare' },
      chunks: [JSON.stringify(INITIALIZE)],
    });
    expect(answer.status).toBe(200);
    expect(lines.find((l) => l.msg === 'could not remember client capabilities')).toMatchObject({
      level: 'warn',
      error: 'store down',
    });
  });

  it('logs that callers are verified', async () => {
    const { log, lines } = logCapture();
    await verifiedServer({ log });
    expect(lines.find((l) => l.msg === 'serving MCP over Streamable HTTP')).toMatchObject({
      callers: 'verified',
    });
  });
});

describe('HTTP transport: dynamic toolsets', () => {
  it('keeps what each caller enabled across requests, apart from other callers, and announces it on the stream', async () => {
    const config = configSchema.parse({});
    const factory = createServer({
      tools: selectTools(ALL_TOOLS, config.tools),
      sessions: {
        session: () => Promise.reject(new Error('not used')),
        describe: async () => ({ connected: false, kind: 'none' }),
        disconnect: async () => false,
      },
      limits: config.limits,
      policy: { spaces: config.tools.spaces, allowPurge: false },
      log: silentLogger,
      dynamic: new DynamicToolsets(),
    });
    const http = await serve({
      runtime: (publicUrl) => ({
        server: factory,
        callerAuth: { verifier: verifier(), resource: `${publicUrl}/mcp`, issuer: 'https://idp.example.com' },
      }),
    });
    const rpc = (token: string, method: string, params: Record<string, unknown> = {}) =>
      send(http.mcpUrl, {
        headers: { ...json, authorization: `Bearer ${token}` },
        chunks: [JSON.stringify({ jsonrpc: '2.0', id: 1, method, params })],
      });
    const listed = async (token: string) => {
      const answer = await rpc(token, 'tools/list');
      expect(answer.headers['content-type']).toMatch(/^application\/json/);
      return (answer.json() as { result: { tools: { name: string }[] } }).result.tools.map((t) => t.name);
    };
    const enabled = await rpc('named', 'tools/call', {
      name: 'confluence_enable_toolset',
      arguments: { toolset: 'search' },
    });
    expect(enabled.headers['content-type']).toMatch(/^text\/event-stream/);
    const events = enabled.text
      .split('\n')
      .filter((l) => l.startsWith('data: '))
      .map((l) => JSON.parse(l.slice(6)));
    expect(events.map((e) => e.method ?? 'result')).toEqual(['notifications/tools/list_changed', 'result']);
    expect(await listed('named')).toContain('confluence_search');
    expect(await listed('bare')).toEqual(['confluence_list_toolsets', 'confluence_enable_toolset']);
  });
});

describe('HTTP transport: the operator’s endpoints and the connect form beside /mcp', () => {
  const ops = {
    ready: async () => true,
    metrics: { render: async () => ({ contentType: 'text/plain', body: 'up 1\n' }) },
  };

  it('serves /healthz, /readyz and /metrics to GET and HEAD only; a POST to them is not found', async () => {
    const token = 'metrics-token-0123456789';
    const http = await serve({ metricsToken: token, runtime: () => ({ ops }) });
    const auth = { authorization: `Bearer ${token}` };
    for (const path of ['/healthz', '/readyz', '/metrics']) {
      expect((await send(`${http.url}${path}`, { method: 'GET', headers: auth })).status, path).toBe(200);
      const head = await send(`${http.url}${path}`, { method: 'HEAD', headers: auth });
      expect([head.status, head.text], path).toEqual([200, '']);
      const posted = await send(`${http.url}${path}`, {
        method: 'POST',
        headers: { ...json, ...auth },
        chunks: ['{}'],
      });
      expect(posted.status, path).toBe(404);
      expect(posted.json(), path).toMatchObject({
        error: { message: 'Not found: the MCP endpoint is /mcp' },
      });
    }
    expect((await send(`${http.url}/metrics`, { method: 'GET', headers: auth })).text).toBe('up 1\n');
  });

  it('lets an opaque Origin reach only a POST to the connect pages’ own form', async () => {
    const seen: string[] = [];
    const flow = {
      handles: (path: string) => path.startsWith('/connect/'),
      isFormTarget: (path: string) => path === '/connect/form',
      handle: async (
        req: import('node:http').IncomingMessage,
        res: import('node:http').ServerResponse,
        path: string,
      ) => {
        seen.push(`${req.method} ${path}`);
        res.writeHead(200, { 'content-type': 'text/html' }).end('ok');
      },
    } as unknown as ConnectFlow;
    const http = await serve({ runtime: () => ({ flow }) });
    const opaque = { origin: 'null' };
    expect((await send(`${http.url}/connect/form`, { method: 'POST', headers: opaque })).status).toBe(200);
    expect((await send(`${http.url}/connect/form`, { method: 'GET', headers: opaque })).status).toBe(403);
    expect((await send(`${http.url}/connect/other`, { method: 'POST', headers: opaque })).status).toBe(403);
    expect(
      (await send(http.mcpUrl, { headers: { ...json, ...opaque }, chunks: [JSON.stringify(INITIALIZE)] }))
        .status,
    ).toBe(403);
    expect(seen).toEqual(['POST /connect/form']);
  });
});
