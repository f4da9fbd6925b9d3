import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { AnyToolDefinition } from '../../tools/define.js';
import type { ToolRuntime } from '../../tools/registry.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log.js';
import { PACKAGE } from '../paths.js';
import { createServer as createMcpServer } from '../server.js';
import { checkOrigin, isLoopback, originPolicy } from './http-guard.js';

export interface HttpServerOptions {
  http: Config['http'];
  tools: readonly AnyToolDefinition[];
  runtime: ToolRuntime;
  log: Logger;
}

export interface RunningHttpServer {
  /** Where the server listens, e.g. http://127.0.0.1:3000. */
  url: string;
  /** The MCP endpoint clients connect to (under the public URL when one is set). */
  mcpUrl: string;
  server: Server;
  close(): Promise<void>;
}

class RequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

function jsonRpcError(
  res: ServerResponse,
  status: number,
  code: number,
  message: string,
  headers = {},
): void {
  if (res.headersSent) return void res.end();
  res
    .writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers })
    .end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));
}

async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type))
    throw new RequestError(415, -32600, 'Content-Type must be application/json');
  if (Number(req.headers['content-length'] ?? 0) > limit) {
    throw new RequestError(413, -32600, `Request body larger than ${limit} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new RequestError(413, -32600, `Request body larger than ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new RequestError(400, -32700, 'Parse error: the body is not JSON');
  }
}

/**
 * Serves MCP over stateless Streamable HTTP at `/mcp` (POST only; GET and DELETE answer 405, as a stateless
 * server has no stream to resume and no session to end), plus `/healthz`. Every request gets a fresh MCP server
 * and transport, so any instance can answer any request.
 */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const { http, tools, runtime, log } = options;
  let publicUrl = http.publicUrl ?? '';
  let policy = originPolicy({ ...http, publicUrl: publicUrl || 'http://localhost' });

  async function mcp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') {
      return jsonRpcError(res, 405, -32000, 'Method not allowed: this server is stateless; use POST', {
        allow: 'POST',
      });
    }
    const body = await readJsonBody(req, http.maxBodyBytes);
    const server = createMcpServer(tools, runtime);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  }

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const refused = checkOrigin(req, policy);
    if (refused) {
      log.warn('refused request', {
        reason: refused.reason,
        origin: req.headers.origin,
        host: req.headers.host,
      });
      return jsonRpcError(res, refused.status, -32000, refused.reason);
    }
    if (path === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      return void res.end(JSON.stringify({ status: 'ok', name: PACKAGE.name, version: PACKAGE.version }));
    }
    if (path !== '/mcp') return jsonRpcError(res, 404, -32000, 'Not found: the MCP endpoint is /mcp');
    mcp(req, res).catch((error: unknown) => {
      if (error instanceof RequestError) return jsonRpcError(res, error.status, error.code, error.message);
      log.error('mcp request failed', { error });
      jsonRpcError(res, 500, -32603, 'Internal error');
    });
  });
  server.requestTimeout = 60_000;
  server.headersTimeout = 15_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(http.port, http.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  if (!publicUrl) {
    publicUrl =
      isLoopback(http.host) || ['0.0.0.0', '::'].includes(http.host)
        ? `http://localhost:${address.port}`
        : url;
    policy = originPolicy({ ...http, publicUrl });
  }
  if (!isLoopback(http.host) && !http.publicUrl && !http.allowedHosts.length) {
    log.warn(
      'listening beyond loopback without http.publicUrl or http.allowedHosts: only localhost Host headers are accepted',
    );
  }
  const mcpUrl = `${http.publicUrl ?? url}/mcp`;
  log.info('serving MCP over Streamable HTTP', { url: mcpUrl, tools: tools.length });
  return {
    url,
    mcpUrl,
    server,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
