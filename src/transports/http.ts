import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { ClientCapabilities } from '@modelcontextprotocol/sdk/types.js';
import {
  CallerKeysUnavailableError,
  callerFromToken,
  InvalidCallerTokenError,
  protectedResourceMetadata,
  resourceMetadataPaths,
  wwwAuthenticate,
} from '../auth/caller/index.js';
import type { Caller } from '../auth/session.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log.js';
import { PACKAGE } from '../paths.js';
import type { ServerRuntime } from '../runtime.js';
import { createServer as createMcpServer } from '../server.js';
import { checkOrigin, isLoopback, originPolicy } from './http-guard.js';

export interface HttpServerOptions {
  http: Config['http'];
  /** Builds what the server serves, once it knows its public URL (which may depend on the port it got). */
  build: (publicUrl: string) => Promise<ServerRuntime> | ServerRuntime;
  log: Logger;
}

export interface RunningHttpServer {
  /** Where the server listens, e.g. http://127.0.0.1:3000. */
  url: string;
  /** Where clients and browsers reach it (http.publicUrl, or the listening URL). */
  publicUrl: string;
  /** The MCP endpoint clients connect to. */
  mcpUrl: string;
  server: Server;
  runtime: ServerRuntime;
  close(): Promise<void>;
}

class RequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly headers: Record<string, string> = {},
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

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res
    .writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' })
    .end(JSON.stringify(body));
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

/** The capabilities an `initialize` message declares, if the body is one (or a batch holding one). */
function initializeCapabilities(body: unknown): ClientCapabilities | undefined {
  for (const message of Array.isArray(body) ? body : [body]) {
    const m = message as { method?: unknown; params?: { capabilities?: ClientCapabilities } };
    if (m?.method === 'initialize') return m.params?.capabilities ?? {};
  }
  return undefined;
}

/**
 * Serves MCP over stateless Streamable HTTP at `/mcp` (POST only; GET and DELETE answer 405, as a stateless
 * server has no stream to resume and no session to end), `/healthz`, and, when configured, the OAuth
 * protected-resource metadata and the pages users connect their Atlassian account with. Every MCP request gets a
 * fresh server and transport, so any instance can answer any request.
 */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const { http, log } = options;
  let publicUrl = http.publicUrl ?? '';
  let policy = originPolicy({ ...http, publicUrl: publicUrl || 'http://localhost' });
  let runtime: ServerRuntime | undefined;
  let metadataPaths: ReturnType<typeof resourceMetadataPaths> | undefined;

  async function authenticate(req: IncomingMessage, rt: ServerRuntime): Promise<AuthInfo | undefined> {
    const auth = rt.callerAuth;
    if (!auth || !metadataPaths) return undefined;
    const challenge = (error?: InvalidCallerTokenError) =>
      wwwAuthenticate({
        resourceMetadataUrl: metadataPaths?.url as string,
        ...(error ? { error: error.error, description: error.message } : {}),
      });
    const header = req.headers.authorization ?? '';
    // Node strips the whitespace around a header value, so a token is all that follows "Bearer ".
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    if (!token) {
      throw new RequestError(401, -32001, 'Authentication required: send a bearer token', {
        'www-authenticate': challenge(),
      });
    }
    try {
      const verified = await auth.verifier.verify(token);
      return {
        token,
        clientId: verified.clientId ?? verified.subject,
        scopes: verified.scopes,
        expiresAt: verified.expiresAt,
        resource: new URL(auth.resource),
        extra: { caller: callerFromToken(verified) },
      };
    } catch (error) {
      if (error instanceof InvalidCallerTokenError) {
        const status = error.error === 'insufficient_scope' ? 403 : 401;
        throw new RequestError(status, -32001, `Invalid token: ${error.message}`, {
          'www-authenticate': challenge(error),
        });
      }
      if (error instanceof CallerKeysUnavailableError) {
        throw new RequestError(
          503,
          -32001,
          "The caller's identity provider cannot be reached; retry shortly",
        );
      }
      throw error;
    }
  }

  async function mcp(req: IncomingMessage, res: ServerResponse, rt: ServerRuntime): Promise<void> {
    if (req.method !== 'POST') {
      return jsonRpcError(res, 405, -32000, 'Method not allowed: this server is stateless; use POST', {
        allow: 'POST',
      });
    }
    const authInfo = await authenticate(req, rt);
    const body = await readJsonBody(req, http.maxBodyBytes);
    const capabilities = initializeCapabilities(body);
    const caller = authInfo?.extra?.caller as Caller | undefined;
    if (capabilities && caller && rt.rememberCapabilities) {
      await rt.rememberCapabilities(caller, capabilities).catch((error: unknown) => {
        log.warn('could not remember client capabilities', { error: (error as Error).message });
      });
    }
    if (authInfo) (req as IncomingMessage & { auth?: AuthInfo }).auth = authInfo;
    const server = createMcpServer(rt.tools, rt.runtime);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  }

  async function route(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    rt: ServerRuntime,
  ): Promise<void> {
    if (path === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
      return sendJson(res, 200, { status: 'ok', name: PACKAGE.name, version: PACKAGE.version });
    }
    if (
      metadataPaths &&
      rt.callerAuth &&
      (path === metadataPaths.pathSuffixed || path === metadataPaths.root)
    ) {
      return sendJson(
        res,
        200,
        protectedResourceMetadata({
          resource: rt.callerAuth.resource,
          authorizationServers: [rt.callerAuth.issuer],
          resourceName: 'Confluence (confluence-mcp)',
        }),
      );
    }
    if (rt.flow?.handles(path)) return rt.flow.handle(req, res, path);
    if (path === '/mcp') return mcp(req, res, rt);
    jsonRpcError(res, 404, -32000, 'Not found: the MCP endpoint is /mcp');
  }

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] as string;
    // The connect pages' form posts carry their own CSRF token and cookie, so an opaque Origin is theirs to judge.
    const opaqueOriginAllowed = req.method === 'POST' && runtime?.flow?.isFormTarget(path) === true;
    const refused = checkOrigin(req, policy, { opaqueOriginAllowed });
    if (refused) {
      log.warn('refused request', {
        reason: refused.reason,
        origin: req.headers.origin,
        host: req.headers.host,
      });
      return jsonRpcError(res, refused.status, -32000, refused.reason);
    }
    if (!runtime) return jsonRpcError(res, 503, -32000, 'Starting up; retry shortly', { 'retry-after': '1' });
    route(req, res, path, runtime).catch((error: unknown) => {
      if (error instanceof RequestError)
        return jsonRpcError(res, error.status, error.code, error.message, error.headers);
      log.error('request failed', { error, path });
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
    publicUrl = ['0.0.0.0', '::'].includes(http.host) ? `http://localhost:${address.port}` : url;
    policy = originPolicy({ ...http, publicUrl });
  }
  if (!isLoopback(http.host) && !http.publicUrl && !http.allowedHosts.length) {
    log.warn(
      'listening beyond loopback without http.publicUrl or http.allowedHosts: only localhost Host headers are accepted',
    );
  }
  try {
    runtime = await options.build(publicUrl);
  } catch (error) {
    server.close();
    throw error;
  }
  if (runtime.callerAuth) metadataPaths = resourceMetadataPaths(runtime.callerAuth.resource);
  if (!runtime.callerAuth && !isLoopback(http.host)) {
    log.warn(
      'serving beyond loopback without verifying callers: anyone who reaches /mcp acts with this server’s credential',
    );
  }
  const mcpUrl = `${publicUrl}/mcp`;
  const built = runtime;
  log.info('serving MCP over Streamable HTTP', {
    url: mcpUrl,
    // Where this instance listens, which differs from the public URL behind a load balancer, and names the port
    // the OS chose for --port 0.
    listening: url,
    tools: built.tools.length,
    callers: built.callerAuth ? 'verified' : 'unverified',
  });
  return {
    url,
    publicUrl,
    mcpUrl,
    server,
    runtime: built,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await built.close();
    },
  };
}
