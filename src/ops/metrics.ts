import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
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

/**
 * The server's Prometheus metrics, in a registry of its own (two runtimes in one process never share counters):
 * tool calls, errors by kind, latency and calls in flight; Confluence requests by route and status, retries,
 * rate-limit and near-limit events; token refreshes and token store errors; and Node's process metrics.
 */
export class OpsMetrics {
  readonly registry = new Registry();
  readonly #calls: Counter<'tool'>;
  readonly #errors: Counter<'tool' | 'kind'>;
  readonly #duration: Histogram<'tool'>;
  readonly #inFlight: Gauge;
  readonly #upstream: Counter<'method' | 'route' | 'status'>;
  readonly #upstreamDuration: Histogram<'route'>;
  readonly #retries: Counter<'route' | 'reason'>;
  readonly #rateLimited: Counter<'route' | 'scope'>;
  readonly #nearLimit: Counter<'route'>;
  readonly #refreshes: Counter<'outcome'>;
  readonly #storeErrors: Counter;

  constructor() {
    const registers = [this.registry];
    this.#calls = new Counter({
      name: `${PREFIX}tool_calls_total`,
      help: 'Tool calls started, by tool.',
      labelNames: ['tool'],
      registers,
    });
    this.#errors = new Counter({
      name: `${PREFIX}tool_errors_total`,
      help: 'Tool calls that ended in an error, by tool and error kind (not-found, rate-limited, internal...).',
      labelNames: ['tool', 'kind'],
      registers,
    });
    this.#duration = new Histogram({
      name: `${PREFIX}tool_call_duration_seconds`,
      help: 'How long tool calls took, by tool.',
      labelNames: ['tool'],
      buckets: CALL_BUCKETS,
      registers,
    });
    this.#inFlight = new Gauge({
      name: `${PREFIX}tool_calls_in_flight`,
      help: 'Tool calls running now.',
      registers,
    });
    this.#upstream = new Counter({
      name: `${PREFIX}upstream_requests_total`,
      help: 'Requests to Confluence, by method, route (ids folded away) and HTTP status, or timeout/network/aborted when there was no answer.',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.#upstreamDuration = new Histogram({
      name: `${PREFIX}upstream_request_duration_seconds`,
      help: 'How long requests to Confluence took, by route.',
      labelNames: ['route'],
      buckets: UPSTREAM_BUCKETS,
      registers,
    });
    this.#retries = new Counter({
      name: `${PREFIX}upstream_retries_total`,
      help: 'Requests to Confluence sent again, by route and reason.',
      labelNames: ['route', 'reason'],
      registers,
    });
    this.#rateLimited = new Counter({
      name: `${PREFIX}upstream_rate_limited_total`,
      help: 'Rate-limit answers (429) from Atlassian, by route; scope is app when the whole app quota is spent.',
      labelNames: ['route', 'scope'],
      registers,
    });
    this.#nearLimit = new Counter({
      name: `${PREFIX}upstream_near_limit_total`,
      help: 'Answers from Atlassian carrying near-limit headers, by route.',
      labelNames: ['route'],
      registers,
    });
    this.#refreshes = new Counter({
      name: `${PREFIX}token_refreshes_total`,
      help: 'Atlassian access-token refreshes, by outcome: ok, invalid_grant (the user must connect again), failed.',
      labelNames: ['outcome'],
      registers,
    });
    this.#storeErrors = new Counter({
      name: `${PREFIX}token_store_errors_total`,
      help: 'Token store connection errors (Redis unreachable, timed out, refused).',
      registers,
    });
    // Zero from the start, so a rate() over them exists before the first event.
    for (const outcome of ['ok', 'invalid_grant', 'failed'] as const) this.#refreshes.inc({ outcome }, 0);
    collectDefaultMetrics({ register: this.registry, prefix: PREFIX });
  }

  /** Tool calls, for the MCP edge. */
  readonly calls: CallObserver = {
    started: (tool) => {
      this.#calls.inc({ tool });
      this.#inFlight.inc();
      const stop = this.#duration.startTimer({ tool });
      let ended = false;
      return (kind) => {
        if (ended) return;
        ended = true;
        this.#inFlight.dec();
        stop();
        if (kind) this.#errors.inc({ tool, kind });
      };
    },
  };

  tokenRefresh(outcome: RefreshOutcome): void {
    this.#refreshes.inc({ outcome });
  }

  storeError(): void {
    this.#storeErrors.inc();
  }

  /**
   * What every Confluence client tells of its traffic: counted here, logged (at debug, with the call's request id
   * and user hash from its scope; rate limits at info), and passed on to the running call's progress.
   */
  upstream(log: Logger): UpstreamObserver {
    return {
      response: (event) => {
        this.#upstream.inc({ method: event.method, route: event.route, status: String(event.status) });
        this.#upstreamDuration.observe({ route: event.route }, event.durationMs / 1000);
        log.debug('upstream request', {
          method: event.method,
          route: event.route,
          status: event.status,
          ms: Math.round(event.durationMs),
        });
        currentCallScope()?.onUpstream?.(event.route);
      },
      failure: (event) => {
        this.#upstream.inc({ method: event.method, route: event.route, status: event.kind });
        this.#upstreamDuration.observe({ route: event.route }, event.durationMs / 1000);
        log.info('upstream request failed', {
          method: event.method,
          route: event.route,
          failure: event.kind,
          ms: Math.round(event.durationMs),
        });
        currentCallScope()?.onUpstream?.(event.route);
      },
      retry: (event) => {
        this.#retries.inc({ route: event.route, reason: event.reason });
        log.info('upstream retry', { ...event });
      },
      rateLimited: (event) => {
        this.#rateLimited.inc({ route: event.route, scope: event.sharedUntil ? 'app' : 'request' });
        log.info('upstream rate limited', {
          route: event.route,
          retryAfterMs: event.retryAfterMs,
          reason: event.reason,
        });
      },
      nearLimit: (event) => {
        this.#nearLimit.inc({ route: event.route });
        log.debug('upstream near limit', { route: event.route, remaining: event.remaining });
      },
    };
  }

  /** The exposition text and its content type. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
