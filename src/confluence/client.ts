import type { KyInstance, Options as KyOptions } from 'ky';
import { authorizationHeader, type ConfluenceAuth, wikiBaseUrl } from './auth.js';
import {
  ConfluenceError,
  NetworkError,
  type RequestSummary,
  ServerError,
  TimeoutError,
} from './errors/index.js';
import { errorFromResponse } from './map-error.js';
import { routeOf, type UpstreamObserver } from './observer.js';

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

/** Query values; arrays are sent comma-separated (v2's `style: form, explode: false`). */
export type Query = Record<string, string | number | boolean | readonly (string | number)[] | undefined>;

export interface RequestOptions {
  query?: Query;
  json?: unknown;
  /** The caller's cancellation (the MCP request's signal). */
  signal?: AbortSignal | undefined;
  /** What is being asked for, in words (`page 123`), carried by any error. */
  subject?: string;
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

  constructor(options: ConfluenceClientOptions) {
    this.#auth = options.auth;
    this.#observer = options.observer;
    this.baseUrl = wikiBaseUrl(options.auth);
    this.#settings = {
      prefixUrl: this.baseUrl,
      timeout: options.timeoutMs,
      // Retries belong to a layer that knows which requests are idempotent and what the caller's budget is.
      retry: 0,
      headers: { 'user-agent': options.userAgent, accept: 'application/json' },
      ...(options.fetch ? { fetch: options.fetch } : {}),
    };
  }

  /** Sends one request to `path` (relative to `.../wiki`, e.g. `api/v2/pages/1`) and parses the JSON answer. */
  async request<T>(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<ConfluenceResponse<T>> {
    const searchParams = buildQuery(options.query);
    const query = searchParams.size ? `?${searchParams}` : '';
    const summary: RequestSummary = { method, path: `${path}${query}` };
    if (options.subject) summary.subject = options.subject;
    // Outside the try: a credential that cannot be had (not connected, store down) is not a Confluence error.
    const authorization = await authorizationHeader(this.#auth, options.signal);
    let response: Response;
    let text: string;
    const started = performance.now();
    try {
      this.#http ??= loadKy().then(({ default: ky }) => ky.create(this.#settings));
      const http = await this.#http;
      response = await http(path, {
        method,
        searchParams,
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
    } catch (error) {
      const mapped = await toConfluenceError(error, summary, options.signal);
      this.#observe(method, path, started, error, mapped, options.signal);
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
    else if (signal?.aborted) observer.failure?.({ ...attempt, kind: 'aborted' });
    else if (mapped instanceof TimeoutError) observer.failure?.({ ...attempt, kind: 'timeout' });
    else observer.failure?.({ ...attempt, kind: 'network' });
  }
}

async function toConfluenceError(
  error: unknown,
  request: RequestSummary,
  signal?: AbortSignal,
): Promise<unknown> {
  if (error instanceof ConfluenceError) return error;
  // A cancelled call is the caller's doing, not Confluence's: let the abort reason through untouched.
  if (signal?.aborted) return signal.reason ?? error;
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
