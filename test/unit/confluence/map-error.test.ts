import { describe, expect, it } from 'vitest';
import {
  BadRequestError,
  ConflictError,
  ForbiddenError,
  GoneError,
  NotFoundError,
  RateLimitError,
  ScopeMismatchError,
  ServerError,
  UnauthorizedError,
} from '../../../src/confluence/errors/index.js';
import { errorDetail, errorFromResponse, parseRetryAfter } from '../../../src/confluence/map-error.js';

const request = { method: 'GET', path: 'api/v2/pages/1', subject: 'page 1' };
const v2 = (status: number, title: string) =>
  JSON.stringify({ errors: [{ status, code: 'X', title, detail: null }] });

describe('errorFromResponse', () => {
  it.each([
    { status: 400, body: v2(400, 'Invalid parameter'), type: BadRequestError, detail: 'Invalid parameter' },
    {
      status: 401,
      body: '{"code":401,"message":"Unauthorized"}',
      type: UnauthorizedError,
      detail: 'Unauthorized',
    },
    {
      status: 401,
      body: '{"code":401,"message":"Unauthorized; scope does not match"}',
      type: ScopeMismatchError,
      detail: 'Unauthorized; scope does not match',
    },
    {
      status: 403,
      body: '{"statusCode":403,"message":"Not permitted"}',
      type: ForbiddenError,
      detail: 'Not permitted',
    },
    { status: 404, body: v2(404, 'Page not found'), type: NotFoundError, detail: 'Page not found' },
    {
      status: 409,
      body: v2(409, 'Version must be incremented on update. Current Version: [6]'),
      type: ConflictError,
      detail: 'Version must be incremented on update. Current Version: [6]',
    },
    { status: 410, body: '{"statusCode":410,"message":"Gone"}', type: GoneError, detail: 'Gone' },
    { status: 413, body: '', type: BadRequestError, detail: undefined },
    { status: 429, body: v2(429, 'Too many requests'), type: RateLimitError, detail: 'Too many requests' },
    { status: 500, body: '<html>oops</html>', type: ServerError, detail: undefined },
    { status: 503, body: 'Service Unavailable', type: ServerError, detail: 'Service Unavailable' },
  ])('maps $status to $type.name', ({ status, body, type, detail }) => {
    const error = errorFromResponse({ status, headers: new Headers(), body }, request);
    expect(error).toBeInstanceOf(type);
    expect(error.name).toBe(type.name);
    expect(error.status).toBe(status);
    expect(error.detail).toBe(detail);
    expect(error.request.subject).toBe('page 1');
  });

  it('reads the current version out of a 409', () => {
    const error = errorFromResponse(
      {
        status: 409,
        headers: new Headers(),
        body: v2(409, 'Version must be incremented on update. Current Version: [6]'),
      },
      request,
    );
    expect((error as ConflictError).currentVersion).toBe(6);
  });

  it('reads Retry-After, X-RateLimit-Reset and RateLimit-Reason from a 429', () => {
    const headers = new Headers({
      'retry-after': '1847',
      'x-ratelimit-reset': '2026-03-02T15:00:00Z',
      'ratelimit-reason': 'jira-quota-global-based',
    });
    const error = errorFromResponse({ status: 429, headers, body: '' }, request) as RateLimitError;
    expect(error.retryAfterSeconds).toBe(1847);
    expect(error.resetAt?.toISOString()).toBe('2026-03-02T15:00:00.000Z');
    expect(error.reason).toBe('jira-quota-global-based');
  });
});

describe('parseRetryAfter', () => {
  it('takes seconds and HTTP dates', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('30', now)).toBe(30);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:01:00 GMT', now)).toBe(60);
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('caps absurd waits at a day, so no date past what JavaScript can represent is ever made', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('10000000000000', now)).toBe(86_400);
    expect(parseRetryAfter('9'.repeat(400), now)).toBe(86_400);
    expect(parseRetryAfter('Fri, 31 Dec 9999 23:59:59 GMT', now)).toBe(86_400);
    expect(parseRetryAfter('86400', now)).toBe(86_400);
  });

  it('ignores an X-RateLimit-Reset more than a day away', () => {
    const headers = new Headers({
      'retry-after': '10000000000000',
      'x-ratelimit-reset': '+275760-09-13T00:00:00Z',
    });
    const error = errorFromResponse({ status: 429, headers, body: '' }, request) as RateLimitError;
    expect(error.retryAfterSeconds).toBe(86_400);
    expect(error.resetAt).toBeUndefined();
  });
});

describe('errorDetail', () => {
  it('joins the titles of a v2 error list and reads OAuth errors', () => {
    expect(errorDetail(JSON.stringify({ errors: [{ title: 'A' }, { title: 'B', detail: 'more' }] }))).toBe(
      'A; B: more',
    );
    expect(
      errorDetail('{"error":"invalid_grant","error_description":"Unknown or invalid refresh token."}'),
    ).toBe('Unknown or invalid refresh token.');
    expect(errorDetail('')).toBeUndefined();
  });

  it('bounds a long body', () => {
    expect(errorDetail('x'.repeat(5000))?.length).toBe(500);
  });
});
