import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { jsonRpcError, sendJson } from './http-io.js';

/** What an operator reads of a running server: its metrics, and whether what it depends on answers. */
export interface OpsServing {
  metrics: { render(): Promise<{ contentType: string; body: string }> };
  /** Whether the token store answers now. */
  ready(): Promise<boolean>;
}

/** The operator's endpoints: not MCP requests, and served while draining. */
export const OPS_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * Counts the requests being answered and, once draining, waits for them: a server being stopped finishes what it
 * started and takes nothing new.
 */
export class Drain {
  #inFlight = 0;
  #draining = false;
  readonly #waiters = new Set<() => void>();

  get draining(): boolean {
    return this.#draining;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /** Counts `res` until it is finished or its connection closes. */
  track(res: ServerResponse): void {
    this.#inFlight++;
    res.once('close', () => {
      this.#inFlight--;
      if (this.#inFlight === 0) for (const wake of this.#waiters) wake();
    });
  }

  /** Stops taking requests and resolves once none is in flight (true) or after `graceMs` (false). */
  async drain(graceMs: number): Promise<boolean> {
    this.#draining = true;
    if (this.#inFlight === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    let wake: (() => void) | undefined;
    const finished = await Promise.race([
      new Promise<boolean>((resolve) => {
        wake = () => resolve(true);
        this.#waiters.add(wake);
      }),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), graceMs);
      }),
    ]);
    clearTimeout(timer);
    if (wake) this.#waiters.delete(wake);
    return finished;
  }
}

/** Answers a request that arrives while draining: try another instance, on a new connection. */
export function refuseWhileDraining(res: ServerResponse): void {
  res.shouldKeepAlive = false;
  jsonRpcError(res, 503, -32000, 'This instance is shutting down; retry on another', {
    connection: 'close',
    'retry-after': '1',
  });
}

function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * GET or HEAD `/readyz`: 200 while the token store answers and the server is not draining, else 503 (a load balancer stops
 * sending it calls). `/metrics`: Prometheus text for whoever presents `metricsToken` as a bearer token; without a
 * token configured, metrics are off (404), so they are never public by default.
 */
export async function serveOps(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  ops: OpsServing | undefined,
  drain: Drain,
  metricsToken: string | undefined,
): Promise<void> {
  if (path === '/readyz') {
    if (drain.draining) return sendJson(res, 503, { status: 'draining' });
    if (ops && !(await ops.ready())) return sendJson(res, 503, { status: 'unready', tokenStore: 'down' });
    return sendJson(res, 200, { status: 'ready' });
  }
  // /metrics
  if (!metricsToken || !ops) {
    return sendJson(res, 404, {
      error: 'Metrics are off: set CONFLUENCE_MCP_METRICS_TOKEN and scrape with it as a bearer token.',
    });
  }
  const header = req.headers.authorization ?? '';
  const given = /^Bearer (.+)$/i.exec(header)?.[1];
  if (given === undefined || !sameSecret(given, metricsToken)) {
    res.writeHead(401, { 'www-authenticate': 'Bearer realm="metrics"', 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: 'Metrics need the bearer token in CONFLUENCE_MCP_METRICS_TOKEN.' }));
    return;
  }
  const { contentType, body } = await ops.metrics.render();
  res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
  res.end(req.method === 'HEAD' ? undefined : body);
}
