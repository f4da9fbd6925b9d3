/**
 * What the client tells whoever watches its traffic (metrics, logs): one hook per thing that happened. Every
 * method is optional and must not throw or block; the client never waits on an observer.
 *
 * `response` and `failure` are called by the client for every attempt it sends; `retry`, `rateLimited` and
 * `nearLimit` by the layer that decides on retries and reads Atlassian's rate-limit headers.
 */
export interface UpstreamObserver {
  /** An attempt that got an HTTP answer (any status). */
  response?(event: UpstreamResponseEvent): void;
  /** An attempt that got no HTTP answer: reset, DNS, timeout. */
  failure?(event: UpstreamFailureEvent): void;
  /** A request about to be sent again after `delayMs`. */
  retry?(event: UpstreamRetryEvent): void;
  /** Atlassian said stop (429); `sharedUntil` is set when the whole app's quota is spent. */
  rateLimited?(event: UpstreamRateLimitEvent): void;
  /** Atlassian's near-limit headers were present on an answer. */
  nearLimit?(event: UpstreamNearLimitEvent): void;
}

export interface UpstreamAttempt {
  readonly method: string;
  /** The path without query string or ids' values, e.g. `api/v2/pages/{id}`, so it can label a metric. */
  readonly route: string;
  readonly durationMs: number;
}

export interface UpstreamResponseEvent extends UpstreamAttempt {
  readonly status: number;
}

export interface UpstreamFailureEvent extends UpstreamAttempt {
  /** `timeout`, `network` or `aborted`. */
  readonly kind: 'timeout' | 'network' | 'aborted';
}

export interface UpstreamRetryEvent {
  readonly method: string;
  readonly route: string;
  /** 1 for the first retry. */
  readonly attempt: number;
  readonly reason: string;
  readonly delayMs: number;
}

export interface UpstreamRateLimitEvent {
  readonly route: string;
  readonly retryAfterMs: number | undefined;
  /** `RateLimit-Reason`, when Atlassian sent one. */
  readonly reason: string | undefined;
  /** When set, every call until this time is answered without asking Atlassian. */
  readonly sharedUntil: number | undefined;
}

export interface UpstreamNearLimitEvent {
  readonly route: string;
  readonly remaining: number | undefined;
}

/** `api/v2/pages/123/children` → `api/v2/pages/{id}/children`: numeric and opaque ids folded away. */
export function routeOf(path: string): string {
  const bare = path.split('?', 1)[0] ?? path;
  return bare
    .split('/')
    .map((segment) => (/^\d+$/.test(segment) || /^[0-9a-f-]{16,}$/i.test(segment) ? '{id}' : segment))
    .join('/');
}

/** One observer that tells each of `observers` in turn, so metrics and logs can watch the same client. */
export function observeAll(...observers: readonly UpstreamObserver[]): UpstreamObserver {
  return {
    response: (event) => {
      for (const o of observers) o.response?.(event);
    },
    failure: (event) => {
      for (const o of observers) o.failure?.(event);
    },
    retry: (event) => {
      for (const o of observers) o.retry?.(event);
    },
    rateLimited: (event) => {
      for (const o of observers) o.rateLimited?.(event);
    },
    nearLimit: (event) => {
      for (const o of observers) o.nearLimit?.(event);
    },
  };
}
