import { createRequire } from 'node:module';
import type { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { currentCallScope } from '../call-scope.js';
import type { UpstreamObserver } from '../confluence/index.js';
import type { Logger } from '../log.js';
import type { CallObserver } from '../mcp/index.js';

/** How a token refresh ended: renewed, refused for good by Atlassian (the user must connect again), or failed. */
export type RefreshOutcome = 'ok' | 'invalid_grant' | 'failed';

const PREFIX = 'confluence_mcp_';
// Tool calls answer within a few seconds behind a gateway; Confluence requests within one.
const CALL_BUCKETS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const UPSTREAM_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface Instruments {
  registry: Registry;
  calls: Counter<'tool'>;
  errors: Counter<'tool' | 'kind'>;
  duration: Histogram<'tool'>;
  inFlight: Gauge;
  upstream: Counter<'method' | 'route' | 'status'>;
  upstreamDuration: Histogram<'route'>;
  retries: Counter<'route' | 'reason'>;
  rateLimited: Counter<'route' | 'scope' | 'source'>;
  nearLimit: Counter<'route'>;
  refreshes: Counter<'outcome'>;
  storeErrors: Counter;
}

// prom-client (and Node's process metrics it starts collecting) loads with the first metric: a stdio server loads it
// at its first call, not at start-up. It is CommonJS, so it loads synchronously where the first event happens.
const require = createRequire(import.meta.url);

function instruments(): Instruments {
  const { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } =
    require('prom-client') as typeof import('prom-client');
  const registry = new Registry();
  const registers = [registry];
  const calls = new Counter({
    name: `${PREFIX}tool_calls_total`,
    help: 'Tool calls started, by tool.',
    labelNames: ['tool'],
    registers,
  });
  const errors = new Counter({
    name: `${PREFIX}tool_errors_total`,
    help: 'Tool calls that ended in an error, by tool and error kind (not-found, rate-limited, internal...).',
    labelNames: ['tool', 'kind'],
    registers,
  });
  const duration = new Histogram({
    name: `${PREFIX}tool_call_duration_seconds`,
    help: 'How long tool calls took, by tool.',
    labelNames: ['tool'],
    buckets: CALL_BUCKETS,
    registers,
  });
  const inFlight = new Gauge({
    name: `${PREFIX}tool_calls_in_flight`,
    help: 'Tool calls running now.',
    registers,
  });
  const upstream = new Counter({
    name: `${PREFIX}upstream_requests_total`,
    help: 'Requests to Confluence, by method, route (ids folded away) and HTTP status, or timeout/network/aborted when there was no answer.',
    labelNames: ['method', 'route', 'status'],
    registers,
  });
  const upstreamDuration = new Histogram({
    name: `${PREFIX}upstream_request_duration_seconds`,
    help: 'How long requests to Confluence took, by route.',
    labelNames: ['route'],
    buckets: UPSTREAM_BUCKETS,
    registers,
  });
  const retries = new Counter({
    name: `${PREFIX}upstream_retries_total`,
    help: 'Requests to Confluence sent again, by route and reason.',
    labelNames: ['route', 'reason'],
    registers,
  });
  const rateLimited = new Counter({
    name: `${PREFIX}upstream_rate_limited_total`,
    help: 'Rate-limit events, by route; scope is app when the whole app quota is spent; source is atlassian for a 429 that came back, shared-view for a call refused without asking while the quota is known spent.',
    labelNames: ['route', 'scope', 'source'],
    registers,
  });
  const nearLimit = new Counter({
    name: `${PREFIX}upstream_near_limit_total`,
    help: 'Answers from Atlassian carrying near-limit headers, by route.',
    labelNames: ['route'],
    registers,
  });
  const refreshes = new Counter({
    name: `${PREFIX}token_refreshes_total`,
    help: 'Atlassian access-token refreshes, by outcome: ok, invalid_grant (the user must connect again), failed.',
    labelNames: ['outcome'],
    registers,
  });
  const storeErrors = new Counter({
    name: `${PREFIX}token_store_errors_total`,
    help: 'Token store connection errors (Redis unreachable, timed out, refused).',
    registers,
  });
  // Zero from the start, so a rate() over them exists before the first event.
  for (const outcome of ['ok', 'invalid_grant', 'failed'] as const) refreshes.inc({ outcome }, 0);
  collectDefaultMetrics({ register: registry, prefix: PREFIX });
  return {
    registry,
    calls,
    errors,
    duration,
    inFlight,
    upstream,
    upstreamDuration,
    retries,
    rateLimited,
    nearLimit,
    refreshes,
    storeErrors,
  };
}

/**
 * The server's Prometheus metrics, in a registry of its own (two runtimes in one process never share counters):
 * tool calls, errors by kind, latency and calls in flight; Confluence requests by route and status, retries,
 * rate-limit and near-limit events; token refreshes and token store errors; and Node's process metrics.
 */
export class OpsMetrics {
  #built: Instruments | undefined;

  #m(): Instruments {
    this.#built ??= instruments();
    return this.#built;
  }

  /** Builds the metrics now: a server for many users counts its process metrics from its start. */
  collect(): void {
    this.#m();
  }

  /** The registry of this runtime's metrics (built with the first metric). */
  get registry(): Registry {
    return this.#m().registry;
  }

  /** Tool calls, for the MCP edge. */
  readonly calls: CallObserver = {
    started: (tool) => {
      this.#m().calls.inc({ tool });
      this.#m().inFlight.inc();
      const stop = this.#m().duration.startTimer({ tool });
      let ended = false;
      return (kind) => {
        if (ended) return;
        ended = true;
        this.#m().inFlight.dec();
        stop();
        if (kind) this.#m().errors.inc({ tool, kind });
      };
    },
  };

  tokenRefresh(outcome: RefreshOutcome): void {
    this.#m().refreshes.inc({ outcome });
  }

  storeError(): void {
    this.#m().storeErrors.inc();
  }

  /**
   * What every Confluence client tells of its traffic: counted here, logged (at debug, with the call's request id
   * and user hash from its scope; rate limits at info), and passed on to the running call's progress.
   */
  upstream(log: Logger): UpstreamObserver {
    return {
      response: (event) => {
        this.#m().upstream.inc({ method: event.method, route: event.route, status: String(event.status) });
        this.#m().upstreamDuration.observe({ route: event.route }, event.durationMs / 1000);
        log.debug('upstream request', {
          method: event.method,
          route: event.route,
          status: event.status,
          ms: Math.round(event.durationMs),
        });
        currentCallScope()?.onUpstream?.(event.route);
      },
      failure: (event) => {
        this.#m().upstream.inc({ method: event.method, route: event.route, status: event.kind });
        this.#m().upstreamDuration.observe({ route: event.route }, event.durationMs / 1000);
        log.info('upstream request failed', {
          method: event.method,
          route: event.route,
          failure: event.kind,
          ms: Math.round(event.durationMs),
        });
        currentCallScope()?.onUpstream?.(event.route);
      },
      retry: (event) => {
        this.#m().retries.inc({ route: event.route, reason: event.reason });
        log.info('upstream retry', { ...event });
      },
      rateLimited: (event) => {
        this.#m().rateLimited.inc({
          route: event.route,
          scope: event.sharedUntil ? 'app' : 'request',
          source: event.refused ? 'shared-view' : 'atlassian',
        });
        log.info('upstream rate limited', {
          route: event.route,
          retryAfterMs: event.retryAfterMs,
          reason: event.reason,
        });
      },
      nearLimit: (event) => {
        this.#m().nearLimit.inc({ route: event.route });
        log.debug('upstream near limit', { route: event.route, remaining: event.remaining });
      },
    };
  }

  /** The exposition text and its content type. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
