import type { KyInstance, Options as KyOptions } from 'ky';
import { authorizationHeader, type ConfluenceAuth, wikiBaseUrl } from './auth.js';
import { DeadlineExceededError, deadlineOf } from './deadline.js';
import {
  ConfluenceError,
  NetworkError,
  RateLimitError,
  type RequestSummary,
  ServerError,
  TimeoutError,
} from './errors/index.js';
import { errorFromResponse } from './map-error.js';
import { nodeFetch } from './node-fetch.js';
import { routeOf, type UpstreamObserver } from './observer.js';
import type { RateLimitBoard } from './rate-limits.js';
import { DEFAULT_RETRY_POLICY, isIdempotent, planRetry, type RetryPolicy } from './retry.js';

type Ky = typeof import('ky');
let kyLoaded: Ky | undefined;
let kyLoading: Promise<Ky> | undefined;

/** ky, imported by the first request: a server that only starts and lists its tools never loads it. */
async function loadKy(): Promise<Ky> {
  kyLoading ??= import('ky').then((module) => {
    kyLoaded = module;
    return module;
  });
  return kyLoading;
}

let sharedFetch: typeof fetch | undefined;

/**
 * The fetch every client without its own shares (node-fetch.ts): one keep-alive agent per protocol for the whole
 * process, so users of the same site reuse each other's connections to Atlassian.
 */
function defaultFetch(): typeof fetch {
  sharedFetch ??= nodeFetch();
  return sharedFetch;
}

/** Query values; arrays are sent comma-separated (v2's `style: form, explode: false`). */
export type Query = Record<string, string | number | boolean | readonly (string | number)[] | undefined>;

export interface RequestOptions {
  query?: Query;
  json?: unknown;
  /** The caller's cancellation (the MCP request's signal). */
  signal?: AbortSignal | undefined;
  /** What is being asked for, in words (`page 123`), carried by any error. */
  subject?: string;
  /**
   * The request may be sent twice without doing its work twice (a page PUT carrying its version number); GET is
   * without saying. Only such requests are retried.
   */
  idempotent?: boolean;
}

/** A successful answer: parsed JSON (undefined for 204) and the headers (for `Link`). */
export interface ConfluenceResponse<T> {
  data: T;
  headers: Headers;
  status: number;
}

export interface ConfluenceClientOptions {
  auth: ConfluenceAuth;
  /** Per-request timeout. */
  timeoutMs: number;
  userAgent: string;
  /** For tests and instrumentation; defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Told of every attempt (metrics, logs). */
  observer?: UpstreamObserver | undefined;
  /** When to retry; Atlassian's guidance within a call's deadline by default. */
  retry?: Partial<RetryPolicy> | undefined;
  /** The rate limits every instance shares: a spent quota is answered here without asking Atlassian. */
  rateLimits?: RateLimitBoard | undefined;
  /** For tests: the clock and the jitter's randomness. */
  now?: () => number;
  random?: () => number;
}

/** Builds `a=1&b=x,y` the way Confluence expects, skipping undefined values. */
export function buildQuery(query: Query | undefined): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      if (value.length) params.set(key, value.join(','));
    } else params.set(key, String(value));
  }
  return params;
}

/**
 * The typed HTTP client for one Confluence credential. Every endpoint function goes through `request`, which
 * adds auth, a user agent, a timeout and the caller's signal, and turns every failure into a ConfluenceError.
 */
export class ConfluenceClient {
  /** The `.../wiki` root requests go to. */
  readonly baseUrl: string;
  readonly #settings: KyOptions;
  #http: Promise<KyInstance> | undefined;
  readonly #auth: ConfluenceAuth;
  readonly #observer: UpstreamObserver | undefined;
  readonly #policy: RetryPolicy;
  readonly #board: RateLimitBoard | undefined;
  readonly #now: () => number;
  readonly #random: () => number;

  constructor(options: ConfluenceClientOptions) {
    this.#auth = options.auth;
    this.#observer = options.observer;
    this.#policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.#board = options.rateLimits;
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? Math.random;
    this.baseUrl = wikiBaseUrl(options.auth);
    this.#settings = {
      prefixUrl: this.baseUrl,
      timeout: options.timeoutMs,
      // Retries belong to a layer that knows which requests are idempotent and what the caller's budget is.
      retry: 0,
      headers: { 'user-agent': options.userAgent, accept: 'application/json' },
      fetch: options.fetch ?? defaultFetch(),
    };
  }

  /**
   * Sends a request to `path` (relative to `.../wiki`, e.g. `api/v2/pages/1`) and parses the JSON answer. An
   * idempotent request that meets a 429, a 503 or a failed connection is sent again while the call's deadline
   * allows (see retry.ts); a spent quota is answered at once from the shared rate-limit board.
   */
  async request<T>(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<ConfluenceResponse<T>> {
    const searchParams = buildQuery(options.query);
    const query = searchParams.size ? `?${searchParams}` : '';
    const summary: RequestSummary = { method, path: `${path}${query}` };
    if (options.subject) summary.subject = options.subject;
    const route = routeOf(path);
    const deadline = deadlineOf(options.signal);
    for (let attempt = 1; ; attempt++) {
      // Outside the try: a refusal is not an answer from Atlassian to learn from or retry.
      await this.#refuseWhileQuotaSpent(summary, route);
      try {
        return await this.#attempt<T>(method, path, query, summary, options);
      } catch (error) {
        if (error instanceof RateLimitError) await this.#learn(error, route);
        const plan = planRetry(
          { method, idempotent: options.idempotent, error, retry: attempt, now: this.#now(), deadline },
          this.#policy,
          this.#random,
        );
        if (!plan) throw finished(error, attempt, isIdempotent(method, options.idempotent));
        this.#observer?.retry?.({ method, route, attempt, reason: plan.reason, delayMs: plan.delayMs });
        await pause(plan.delayMs, options.signal, summary);
      }
    }
  }

  /** A quota every instance knows is spent: answered without a request, saying when to come back. */
  async #refuseWhileQuotaSpent(summary: RequestSummary, route: string): Promise<void> {
    const until = await this.#board?.blockedUntil();
    if (until === undefined) return;
    const seconds = Math.max(1, Math.ceil((until - this.#now()) / 1000));
    this.#observer?.rateLimited?.({
      route,
      retryAfterMs: until - this.#now(),
      reason: 'quota spent',
      sharedUntil: until,
      refused: true,
    });
    throw new RateLimitError(
      `${summary.method} ${summary.path} not sent: the app's Confluence quota is spent until ${new Date(until).toISOString()}`,
      summary,
      { retryAfterSeconds: seconds, resetAt: new Date(until), reason: 'quota spent' },
    );
  }

  async #learn(error: RateLimitError, route: string): Promise<void> {
    const sharedUntil = await this.#board?.learn(error);
    this.#observer?.rateLimited?.({
      route,
      retryAfterMs: error.retryAfterSeconds === undefined ? undefined : error.retryAfterSeconds * 1000,
      reason: error.reason,
      sharedUntil,
    });
  }

  /** One attempt: auth, the request, the answer parsed or the failure mapped. */
  async #attempt<T>(
    method: string,
    path: string,
    query: string,
    summary: RequestSummary,
    options: RequestOptions,
  ): Promise<ConfluenceResponse<T>> {
    // A credential that cannot be had (not connected, store down) is not a Confluence error: it passes untouched.
    const authorization = await authorizationHeader(this.#auth, options.signal);
    let response: Response;
    let text: string;
    const started = performance.now();
    try {
      this.#http ??= loadKy().then(({ default: ky }) => ky.create(this.#settings));
      const http = await this.#http;
      // The query goes in the URL, not in ky's searchParams, which would build the Request a second time.
      response = await http(`${path}${query}`, {
        method,
        signal: options.signal,
        headers: { authorization },
        ...(options.json === undefined ? {} : { json: options.json }),
      });
      text = response.status === 204 ? '' : await response.text();
      this.#observer?.response?.({
        method,
        route: routeOf(path),
        durationMs: performance.now() - started,
        status: response.status,
      });
      this.#noteNearLimit(response.headers, path);
    } catch (error) {
      const mapped = await toConfluenceError(error, summary, options.signal);
      this.#observe(method, path, started, error, mapped, options.signal);
      if (kyLoaded && error instanceof kyLoaded.HTTPError) this.#noteNearLimit(error.response.headers, path);
      throw mapped;
    }
    try {
      return {
        data: (text ? JSON.parse(text) : undefined) as T,
        headers: response.headers,
        status: response.status,
      };
    } catch (error) {
      throw new ServerError(
        `${method} ${summary.path} answered ${response.status} with invalid JSON`,
        summary,
        response.status,
        undefined,
        {
          cause: error,
        },
      );
    }
  }

  /** Atlassian warns before it limits (`X-RateLimit-NearLimit`, a low `RateLimit-Remaining`): pass it on. */
  #noteNearLimit(headers: Headers, path: string): void {
    const near = nearLimit(headers);
    if (near) this.#observer?.nearLimit?.({ route: routeOf(path), remaining: near.remaining });
  }

  #observe(
    method: string,
    path: string,
    started: number,
    raw: unknown,
    mapped: unknown,
    signal: AbortSignal | undefined,
  ): void {
    const observer = this.#observer;
    if (!observer) return;
    const attempt = { method, route: routeOf(path), durationMs: performance.now() - started };
    if (kyLoaded && raw instanceof kyLoaded.HTTPError)
      observer.response?.({ ...attempt, status: raw.response.status });
    else if (signal?.aborted && !(signal.reason instanceof DeadlineExceededError))
      observer.failure?.({ ...attempt, kind: 'aborted' });
    else if (mapped instanceof TimeoutError) observer.failure?.({ ...attempt, kind: 'timeout' });
    else observer.failure?.({ ...attempt, kind: 'network' });
  }
}

/**
 * Whether headers say the limit is near: `X-RateLimit-NearLimit: true`, or a `RateLimit-Remaining`
 * (`X-RateLimit-Remaining`) under a fifth of `X-RateLimit-Limit`.
 */
export function nearLimit(headers: Headers): { remaining: number | undefined } | undefined {
  const text = headers.get('ratelimit-remaining') ?? headers.get('x-ratelimit-remaining');
  const parsed = text !== null && /^\d+$/.test(text.trim()) ? Number(text.trim()) : undefined;
  if (headers.get('x-ratelimit-nearlimit')?.trim().toLowerCase() === 'true') return { remaining: parsed };
  const limit = Number(headers.get('x-ratelimit-limit') ?? Number.NaN);
  if (parsed !== undefined && limit > 0 && parsed > 0 && parsed < limit / 5) return { remaining: parsed };
  return undefined;
}

/** The error a request ends with: how often it was sent, and whether a write may have happened unseen. */
function finished(error: unknown, attempts: number, idempotent: boolean): unknown {
  if (!(error instanceof ConfluenceError)) return error;
  error.attempts = attempts;
  if (!idempotent && (error instanceof NetworkError || error instanceof TimeoutError)) {
    error.unconfirmedWrite = true;
  }
  return error;
}

/** Waits before a retry; a cancellation or the deadline ends the wait with the error the request would give. */
function pause(ms: number, signal: AbortSignal | undefined, summary: RequestSummary): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal, summary));
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal as AbortSignal, summary));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The call's deadline becomes a timeout on this request; the client's own cancellation passes untouched. */
function abortError(signal: AbortSignal, request: RequestSummary): unknown {
  const reason: unknown = signal.reason;
  if (reason instanceof DeadlineExceededError) {
    return new TimeoutError(
      `${request.method} ${request.path} had no answer before ${reason.message}`,
      request,
      undefined,
      undefined,
      { cause: reason },
    );
  }
  return reason;
}

async function toConfluenceError(
  error: unknown,
  request: RequestSummary,
  signal?: AbortSignal,
): Promise<unknown> {
  if (error instanceof ConfluenceError) return error;
  // A cancelled call is the caller's doing, not Confluence's: let the abort reason through untouched.
  if (signal?.aborted) return abortError(signal, request) ?? error;
  const { HTTPError, TimeoutError: KyTimeoutError } = await loadKy();
  if (error instanceof HTTPError) {
    const body = await error.response.text().catch(() => '');
    return errorFromResponse(
      { status: error.response.status, headers: error.response.headers, body },
      request,
    );
  }
  if (error instanceof KyTimeoutError) {
    return new TimeoutError(`${request.method} ${request.path} timed out`, request, undefined, undefined, {
      cause: error,
    });
  }
  const reason =
    error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
  return new NetworkError(
    `${request.method} ${request.path} failed: ${reason}`,
    request,
    undefined,
    undefined,
    {
      cause: error,
    },
  );
}
