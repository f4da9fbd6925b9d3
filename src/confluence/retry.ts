import { ConfluenceError, NetworkError, RateLimitError } from './errors/index.js';

/**
 * When a request is sent again, as Atlassian asks: only idempotent requests (GET, and a page PUT carrying its
 * version number), only after a 429, a 503 or a connection that failed before any answer, waiting as long as
 * `Retry-After` says or else an exponential backoff with full jitter, and never past the call's deadline.
 */
export interface RetryPolicy {
  /** Retries after the first attempt; Atlassian says at most 4. */
  maxRetries: number;
  /** The first backoff's ceiling; each retry doubles it, up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A `Retry-After` longer than this is not waited for: the caller is told when to come back instead. */
  maxRetryAfterMs: number;
  /** Time an attempt needs at least: a retry that would start later than this before the deadline is not made. */
  minAttemptMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 4,
  baseDelayMs: 200,
  maxDelayMs: 2000,
  maxRetryAfterMs: 5000,
  minAttemptMs: 100,
};

/** Whether a request may be sent twice without doing its work twice. */
export function isIdempotent(method: string, declared = false): boolean {
  const m = method.toUpperCase();
  return m === 'GET' || m === 'HEAD' || declared;
}

/** Why `error` is worth another attempt of an idempotent request, or undefined when it is not. */
export function retryReason(error: unknown): string | undefined {
  if (!(error instanceof ConfluenceError)) return undefined;
  if (error instanceof RateLimitError) return 'status 429';
  if (error.status === 503) return 'status 503';
  if (error instanceof NetworkError) return 'connection failed';
  return undefined;
}

/** Full jitter: a uniform wait between 0 and min(cap, base * 2^(retry-1)); `retry` counts from 1. */
export function backoffMs(retry: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}

/**
 * The wait `Retry-After` asks for, plus up to 30% so that callers told the same second do not come back in the
 * same millisecond (Atlassian's jitter is x0.7-1.3; waiting less than asked would not honour the header).
 */
export function retryAfterDelayMs(seconds: number, random: () => number): number {
  return Math.ceil(seconds * 1000 * (1 + 0.3 * random()));
}

export interface RetryQuestion {
  method: string;
  /** A request the caller declared safe to repeat (a page PUT with its version number). */
  idempotent?: boolean | undefined;
  error: unknown;
  /** The retry this would be: 1 for the first. */
  retry: number;
  now: number;
  /** The call's deadline (epoch ms), when it has one. */
  deadline?: number | undefined;
}

/** The decision to send a request again after `delayMs`, and why. */
export interface RetryPlan {
  delayMs: number;
  reason: string;
}

/** Whether and when to send a failed request again; undefined means the failure is the answer. */
export function planRetry(
  question: RetryQuestion,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  random: () => number = Math.random,
): RetryPlan | undefined {
  if (!isIdempotent(question.method, question.idempotent)) return undefined;
  if (question.retry > policy.maxRetries) return undefined;
  const reason = retryReason(question.error);
  if (!reason) return undefined;
  let delayMs: number;
  const error = question.error;
  if (error instanceof RateLimitError && error.retryAfterSeconds !== undefined) {
    if (error.retryAfterSeconds * 1000 > policy.maxRetryAfterMs) return undefined;
    delayMs = retryAfterDelayMs(error.retryAfterSeconds, random);
  } else {
    delayMs = backoffMs(question.retry, policy, random);
  }
  if (question.deadline !== undefined && question.now + delayMs + policy.minAttemptMs > question.deadline) {
    return undefined;
  }
  return { delayMs, reason };
}
