import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BadRequestError,
  ConflictError,
  NetworkError,
  NotFoundError,
  RateLimitError,
  ServerError,
  TimeoutError,
  UnauthorizedError,
} from '../../../src/confluence/errors/index.js';
import { errorFromResponse } from '../../../src/confluence/map-error.js';
import {
  backoffMs,
  DEFAULT_RETRY_POLICY,
  isIdempotent,
  planRetry,
  retryAfterDelayMs,
  retryReason,
} from '../../../src/confluence/retry.js';

const get = { method: 'GET', path: 'api/v2/pages/1' };
const status = (code: number, headers: Record<string, string> = {}) =>
  errorFromResponse({ status: code, headers: new Headers(headers), body: '' }, get);
const reset = new NetworkError('GET failed: socket hang up', get);
const policy = DEFAULT_RETRY_POLICY;
const half = () => 0.5;

describe('which requests are retried', () => {
  it('retries GET, and a write only when declared idempotent (a page PUT with its version number)', () => {
    expect(isIdempotent('GET')).toBe(true);
    expect(isIdempotent('get')).toBe(true);
    expect(isIdempotent('PUT')).toBe(false);
    expect(isIdempotent('PUT', true)).toBe(true);
    for (const method of ['POST', 'DELETE', 'PATCH']) expect(isIdempotent(method)).toBe(false);
  });

  it('never retries a POST, whatever the failure: it may have reached Confluence', () => {
    for (const error of [status(429, { 'retry-after': '1' }), status(503), reset]) {
      expect(planRetry({ method: 'POST', error, retry: 1, now: 0 }, policy, half)).toBeUndefined();
      expect(planRetry({ method: 'PUT', error, retry: 1, now: 0 }, policy, half)).toBeUndefined();
    }
  });

  it.each([
    { error: status(429), reason: 'status 429' },
    { error: status(503), reason: 'status 503' },
    { error: reset, reason: 'connection failed' },
  ])('retries $reason', ({ error, reason }) => {
    expect(retryReason(error)).toBe(reason);
    expect(planRetry({ method: 'GET', error, retry: 1, now: 0 }, policy, half)?.reason).toBe(reason);
    expect(
      planRetry({ method: 'PUT', idempotent: true, error, retry: 1, now: 0 }, policy, half)?.reason,
    ).toBe(reason);
  });

  it.each([
    { name: '400', error: status(400) },
    { name: '401', error: status(401) },
    { name: '404', error: status(404) },
    { name: '409', error: status(409) },
    { name: '500', error: status(500) },
    { name: '502', error: status(502) },
    { name: 'a timeout (the request may be running)', error: new TimeoutError('timed out', get) },
    { name: 'a bug', error: new TypeError('x is undefined') },
  ])('does not retry $name', ({ error }) => {
    expect(retryReason(error)).toBeUndefined();
    expect(planRetry({ method: 'GET', error, retry: 1, now: 0 }, policy, half)).toBeUndefined();
  });

  it('maps statuses to the classes the policy reads', () => {
    expect(status(429)).toBeInstanceOf(RateLimitError);
    expect(status(503)).toBeInstanceOf(ServerError);
    expect(status(409)).toBeInstanceOf(ConflictError);
    expect(status(404)).toBeInstanceOf(NotFoundError);
    expect(status(401)).toBeInstanceOf(UnauthorizedError);
    expect(status(400)).toBeInstanceOf(BadRequestError);
  });

  it('stops after maxRetries (Atlassian: at most 4)', () => {
    expect(planRetry({ method: 'GET', error: status(503), retry: 4, now: 0 }, policy, half)).toBeDefined();
    expect(planRetry({ method: 'GET', error: status(503), retry: 5, now: 0 }, policy, half)).toBeUndefined();
  });
});

describe('how long it waits', () => {
  it('honours Retry-After in seconds or as an HTTP date, waiting at least that long and at most 30% more', () => {
    const seconds = status(429, { 'retry-after': '2' });
    expect(planRetry({ method: 'GET', error: seconds, retry: 1, now: 0 }, policy, () => 0)?.delayMs).toBe(
      2000,
    );
    expect(planRetry({ method: 'GET', error: seconds, retry: 1, now: 0 }, policy, () => 0.999)?.delayMs).toBe(
      2600,
    );
    const date = new Date(Date.now() + 3000).toUTCString();
    const dated = status(429, { 'retry-after': date });
    const delay = planRetry({ method: 'GET', error: dated, retry: 1, now: 0 }, policy, () => 0)?.delayMs;
    expect(delay).toBeGreaterThanOrEqual(2000);
    expect(delay).toBeLessThanOrEqual(3000);
  });

  it('does not wait out a Retry-After longer than it may (the caller is told when instead)', () => {
    const long = status(429, { 'retry-after': '1847' });
    expect(planRetry({ method: 'GET', error: long, retry: 1, now: 0 }, policy, half)).toBeUndefined();
  });

  it('backs off exponentially with full jitter when there is no Retry-After', () => {
    expect(backoffMs(1, policy, () => 0.999)).toBe(199);
    expect(backoffMs(2, policy, () => 0.999)).toBe(399);
    expect(backoffMs(3, policy, () => 0.999)).toBe(799);
    expect(backoffMs(10, policy, () => 0.999)).toBe(1998);
    expect(backoffMs(3, policy, () => 0)).toBe(0);
  });

  it('keeps every jittered wait within [0, min(cap, base * 2^(n-1))) and Retry-After within [1x, 1.3x]', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.integer({ min: 0, max: 86_400 }),
        (retry, r, seconds) => {
          const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
          const wait = backoffMs(retry, policy, () => r);
          expect(wait).toBeGreaterThanOrEqual(0);
          expect(wait).toBeLessThan(ceiling);
          const after = retryAfterDelayMs(seconds, () => r);
          expect(after).toBeGreaterThanOrEqual(seconds * 1000);
          expect(after).toBeLessThanOrEqual(Math.ceil(seconds * 1300));
        },
      ),
    );
  });
});

describe('the deadline', () => {
  it('never plans a retry that would start too late to finish before the deadline', () => {
    const error = status(429, { 'retry-after': '1' });
    const now = 10_000;
    // 1000 ms wait + 100 ms for the attempt fit in 1200 ms, not in 1050 ms.
    expect(planRetry({ method: 'GET', error, retry: 1, now, deadline: now + 1200 }, policy, () => 0)).toEqual(
      {
        delayMs: 1000,
        reason: 'status 429',
      },
    );
    expect(
      planRetry({ method: 'GET', error, retry: 1, now, deadline: now + 1050 }, policy, () => 0),
    ).toBeUndefined();
  });

  it('holds for any clock, jitter and deadline: a planned wait plus an attempt ends before the deadline', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e12 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.integer({ min: 1, max: 4 }),
        fc.constantFrom(status(503), status(429, { 'retry-after': '1' }), reset),
        (now, left, r, retry, error) => {
          const plan = planRetry({ method: 'GET', error, retry, now, deadline: now + left }, policy, () => r);
          if (plan) expect(now + plan.delayMs + policy.minAttemptMs).toBeLessThanOrEqual(now + left);
        },
      ),
    );
  });
});
