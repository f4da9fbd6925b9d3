import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { protectedResourceMetadata, resourceMetadataPaths } from '../auth/index.js';
import { inCallScope, requestIdFrom } from '../call-scope.js';
import type { Config } from '../config/index.js';
import type { Logger } from '../log.js';
import type { AuthInfo, ServerFactory } from '../mcp/index.js';
import { PACKAGE } from '../paths.js';
import type { ConnectPages } from './connect-pages.js';
import { authenticate, type CallerAuth } from './http-auth.js';
import { type BatchLimits, checkBatch } from './http-batch.js';
import { BodyBudget } from './http-budget.js';
import { checkOrigin, isLoopback, originPolicy } from './http-guard.js';
import { jsonRpcError, RequestError, readJsonBody, sendJson } from './http-io.js';
import { Drain, OPS_PATHS, type OpsServing, refuseWhileDraining, serveOps } from './http-ops.js';
import { openJsonPost } from './json-exchange.js';
import { needsStream, toolsCalledIn } from './response-mode.js';

/** What the HTTP server serves, built once it knows its public URL. */
export interface HttpServing {
  /** Makes the MCP server that answers each request to /mcp. */
  server: ServerFactory;
  /** Verifies callers' bearer tokens, when configured: this server is then an OAuth protected resource. */
  callerAuth?: CallerAuth | undefined;
  /** The pages people connect their Atlassian account with, when this server connects users itself. */
  flow?: ConnectPages | undefined;
  /** Metrics and readiness, for `/metrics` and `/readyz`. */
  ops?: OpsServing | undefined;
  close(): Promise<void>;
}

export interface HttpServerOptions {
  http: Config['http'];
  /** Bounds on JSON-RPC batches and on request bodies held at once (from `limits` in the configuration). */
  batch: BatchLimits & { maxInFlightRequestBytes: number };
  /** Builds what the server serves, once it knows its public URL (which may depend on the port it got). */
  build: (publicUrl: string) => Promise<HttpServing> | HttpServing;
  log: Logger;
  /** The bearer token `/metrics` asks for; without one, metrics are not served. */
  metricsToken?: string | undefined;
}

export interface RunningHttpServer {
  /** Where the server listens, e.g. http://127.0.0.1:3000. */
  url: string;
  /** Where clients and browsers reach it (http.publicUrl, or the listening URL). */
  publicUrl: string;
  /** The MCP endpoint clients connect to. */
  mcpUrl: string;
  server: Server;
  /** Stops listening, ends open connections, then closes what was served. */
  close(): Promise<void>;
  /**
   * Stops taking calls (new requests get 503 with `Connection: close`, `/readyz` turns unready), lets the calls in
   * flight finish for up to `graceMs`, then closes; resolves with whether every call finished in time.
   */
  shutdown(graceMs: number): Promise<boolean>;
}

/**
 * Serves MCP over stateless Streamable HTTP at `/mcp` (POST only; GET and DELETE answer 405, as a stateless
 * server has no stream to resume and no session to end), `/healthz`, and, when configured, the OAuth
 * protected-resource metadata and the pages users connect their Atlassian account with. Every MCP request gets a
 * fresh server and transport, so any instance can answer any request.
 */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  // Loaded here, not with the module: the transports' barrel also serves stdio, which must not pay for Hono.
  const { StreamableHTTPServerTransport: Transport } = await import(
    '@modelcontextprotocol/sdk/server/streamableHttp.js'
  );
  const { http, log } = options;
  const { batch } = options;
  const bodies = new BodyBudget(batch.maxInFlightRequestBytes);
  let publicUrl = http.publicUrl ?? '';
  let policy = originPolicy({ ...http, publicUrl: publicUrl || 'http://localhost' });
  let serving: HttpServing | undefined;
  let metadataPaths: ReturnType<typeof resourceMetadataPaths> | undefined;
  const drain = new Drain();

  async function mcp(req: IncomingMessage, res: ServerResponse, app: HttpServing): Promise<void> {
    if (req.method !== 'POST') {
      return jsonRpcError(res, 405, -32000, 'Method not allowed: this server is stateless; use POST', {
        allow: 'POST',
      });
    }
    const auth: AuthInfo | undefined =
      app.callerAuth && metadataPaths
        ? await authenticate(req, app.callerAuth, metadataPaths.url)
        : undefined;
    const release = bodies.reserve(req, http.maxBodyBytes);
    res.on('close', release);
    const body = await readJsonBody(req, http.maxBodyBytes);
    checkBatch(body, batch);
    if (!needsStream(body, app.server.notifyingTools)) return answerWithJson(req, res, app, body, auth);
    const transport = new Transport({ sessionIdGenerator: undefined, enableJsonResponse: false });
    const server = await app.server.connect(transport, toolsCalledIn(body));
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    // The SDK hands `req.auth` to every handler of the request as its auth info.
    await transport.handleRequest(auth ? Object.assign(req, { auth }) : req, res, body);
  }

  /** A POST that needs no stream: its messages go to the server through a JsonExchange, its answers back as JSON. */
  async function answerWithJson(
    req: IncomingMessage,
    res: ServerResponse,
    app: HttpServing,
    body: unknown,
    auth: AuthInfo | undefined,
  ): Promise<void> {
    const post = openJsonPost(body, req.headers, req.url ?? '/mcp', auth);
    const server = await app.server.connect(post.exchange, toolsCalledIn(body));
    // Closing aborts what is still running; once everything is answered nothing is, and the server is dropped.
    res.on('close', () => {
      if (!post.exchange.answered) void server.close();
    });
    const answer = await post.exchange.run();
    if (!post.hasRequests) return void res.writeHead(202).end();
    // Undefined when the client went away before every request was answered: there is no one to answer.
    if (answer !== undefined) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    }
  }

  async function route(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    app: HttpServing,
  ): Promise<void> {
    if (path === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
      return sendJson(res, 200, { status: 'ok', name: PACKAGE.name, version: PACKAGE.version });
    }
    if (OPS_PATHS.has(path) && (req.method === 'GET' || req.method === 'HEAD')) {
      return serveOps(req, res, path, app.ops, drain, options.metricsToken);
    }
    if (
      metadataPaths &&
      app.callerAuth &&
      (path === metadataPaths.pathSuffixed || path === metadataPaths.root)
    ) {
      return sendJson(
        res,
        200,
        protectedResourceMetadata({
          resource: app.callerAuth.resource,
          authorizationServers: [app.callerAuth.issuer],
          resourceName: 'Confluence (confluence-mcp)',
        }),
      );
    }
    if (app.flow?.handles(path)) return app.flow.handle(req, res, path);
    if (path === '/mcp') return mcp(req, res, app);
    jsonRpcError(res, 404, -32000, 'Not found: the MCP endpoint is /mcp');
  }

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] as string;
    // The connect pages' form posts carry their own CSRF token and cookie, so an opaque Origin is theirs to judge.
    const opaqueOriginAllowed = req.method === 'POST' && serving?.flow?.isFormTarget(path) === true;
    const refused = checkOrigin(req, policy, { opaqueOriginAllowed });
    // One id per request, the caller's when sane: the request's scope (below) hands it to MCP handlers, and the
    // answer carries it.
    const requestId = requestIdFrom(req.headers['x-request-id']);
    res.setHeader('x-request-id', requestId);
    if (refused) {
      log.warn('refused request', {
        requestId,
        reason: refused.reason,
        origin: req.headers.origin,
        host: req.headers.host,
      });
      return jsonRpcError(res, refused.status, -32000, refused.reason);
    }
    if (!serving) return jsonRpcError(res, 503, -32000, 'Starting up; retry shortly', { 'retry-after': '1' });
    if (!OPS_PATHS.has(path)) {
      if (drain.draining) return refuseWhileDraining(res);
      drain.track(res);
    }
    // Everything the request logs carries its id: connect pages and the OAuth callback as much as tool calls.
    inCallScope({ fields: { requestId } }, () => route(req, res, path, serving as HttpServing)).catch(
      (error: unknown) => {
        if (error instanceof RequestError)
          return jsonRpcError(res, error.status, error.code, error.message, error.headers);
        log.error('request failed', { error, path, requestId });
        jsonRpcError(res, 500, -32603, 'Internal error');
      },
    );
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
    serving = await options.build(publicUrl);
  } catch (error) {
    server.close();
    throw error;
  }
  if (serving.callerAuth) metadataPaths = resourceMetadataPaths(serving.callerAuth.resource);
  if (!serving.callerAuth && !isLoopback(http.host)) {
    log.warn(
      'serving beyond loopback without verifying callers: anyone who reaches /mcp acts with this server’s credential',
    );
  }
  const mcpUrl = `${publicUrl}/mcp`;
  const built = serving;
  log.info('serving MCP over Streamable HTTP', {
    url: mcpUrl,
    // Where this instance listens, which differs from the public URL behind a load balancer, and names the port
    // the OS chose for --port 0.
    listening: url,
    tools: built.server.toolCount,
    callers: built.callerAuth ? 'verified' : 'unverified',
  });
  return {
    url,
    publicUrl,
    mcpUrl,
    server,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await built.close();
    },
    shutdown: async (graceMs) => {
      // Still listening while draining: a load balancer probing /readyz sees this instance leave, and a request that
      // still comes is told to go elsewhere rather than refused a connection.
      const finished = await drain.drain(graceMs);
      log.info('stopped taking calls', { finished, unfinished: drain.inFlight });
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await built.close();
      return finished;
    },
  };
}
