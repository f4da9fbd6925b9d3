import { describe, expect, it, vi } from 'vitest';
import {
  BadRequestError,
  ConflictError,
  ForbiddenError,
  GoneError,
  NetworkError,
  NotFoundError,
  RateLimitError,
  ScopeMismatchError,
  ServerError,
  TimeoutError,
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

describe('error messages and details', () => {
  it('says which request failed with what status, and Confluence’s words when it gave any', () => {
    const withDetail = errorFromResponse(
      { status: 404, headers: new Headers(), body: v2(404, 'No page') },
      request,
    );
    expect(withDetail.message).toBe('GET api/v2/pages/1 answered 404: No page');
    const bare = errorFromResponse({ status: 404, headers: new Headers(), body: '' }, request);
    expect(bare.message).toBe('GET api/v2/pages/1 answered 404');
    expect(bare.detail).toBeUndefined();
  });

  it('reads a 401 as a scope mismatch only when Confluence says so, in any case', () => {
    const mismatch = errorFromResponse(
      { status: 401, headers: new Headers(), body: '{"message":"Unauthorized; SCOPE DOES NOT MATCH"}' },
      request,
    );
    expect(mismatch).toBeInstanceOf(ScopeMismatchError);
    const plain = errorFromResponse({ status: 401, headers: new Headers(), body: '' }, request);
    expect(plain).toBeInstanceOf(UnauthorizedError);
    expect(plain.status).toBe(401);
  });

  it('maps every other 4xx to BadRequestError and every 5xx to ServerError, keeping the status', () => {
    for (const status of [400, 405, 412, 413, 415, 422, 499]) {
      const error = errorFromResponse({ status, headers: new Headers(), body: '' }, request);
      expect(error, String(status)).toBeInstanceOf(BadRequestError);
      expect(error.status).toBe(status);
    }
    for (const status of [500, 502, 503, 504, 599]) {
      const error = errorFromResponse({ status, headers: new Headers(), body: '' }, request);
      expect(error, String(status)).toBeInstanceOf(ServerError);
      expect(error.status).toBe(status);
    }
  });

  it('gives a 409 without a version in its words no current version', () => {
    const duplicate = errorFromResponse(
      { status: 409, headers: new Headers(), body: v2(409, 'A page with this title already exists') },
      request,
    ) as ConflictError;
    expect(duplicate.status).toBe(409);
    expect(duplicate.currentVersion).toBeUndefined();
    const empty = errorFromResponse(
      { status: 409, headers: new Headers(), body: '' },
      request,
    ) as ConflictError;
    expect(empty.currentVersion).toBeUndefined();
    const loose = errorFromResponse(
      { status: 409, headers: new Headers(), body: v2(409, 'current version 12 is newer') },
      request,
    ) as ConflictError;
    expect(loose.currentVersion).toBe(12);
  });

  it('leaves out of a 429 whatever Confluence did not say, and ignores a reset time it cannot read', () => {
    const bare = errorFromResponse(
      { status: 429, headers: new Headers({ 'x-ratelimit-reset': 'later' }), body: '' },
      request,
    ) as RateLimitError;
    expect(bare.status).toBe(429);
    expect(bare.retryAfterSeconds).toBeUndefined();
    expect(bare.resetAt).toBeUndefined();
    expect(bare.reason).toBeUndefined();
    expect(bare.detail).toBeUndefined();
    const detailed = errorFromResponse(
      { status: 429, headers: new Headers({ 'retry-after': ' 5 ' }), body: v2(429, 'Slow down') },
      request,
    ) as RateLimitError;
    expect(detailed.retryAfterSeconds).toBe(5);
    expect(detailed.detail).toBe('Slow down');
  });

  it('keeps the request it failed for, and never the credentials', () => {
    const error = errorFromResponse({ status: 403, headers: new Headers(), body: '' }, request);
    expect(error.request).toEqual(request);
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error).toBeInstanceOf(Error);
  });
});

describe('errorDetail, every shape Confluence answers in', () => {
  it.each([
    ['a v2 list with titles and details', '{"errors":[{"title":"A","detail":"x"},{"title":"B"}]}', 'A: x; B'],
    ['a v2 list with a detail only', '{"errors":[{"detail":"only detail"}]}', 'only detail'],
    ['a v2 list entry with nothing usable', '{"errors":[{"title":"","detail":null},{}, null]}', undefined],
    ['a v2 list and a message', '{"errors":[{"title":"A"}],"message":"M"}', 'A; M'],
    ['v1 statusCode and message', '{"statusCode":404,"message":"No content"}', 'No content'],
    ['OAuth error with a description', '{"error":"invalid_grant","error_description":"Expired"}', 'Expired'],
    ['OAuth error without a description', '{"error":"invalid_grant"}', 'invalid_grant'],
    ['a message before an error description', '{"message":"M","error_description":"D","error":"E"}', 'M'],
    ['an empty message, then the error', '{"message":"","error":"E"}', 'E'],
    ['a non-string message', '{"message":42}', undefined],
    ['an object with nothing known', '{"foo":"bar"}', undefined],
    ['JSON that is not an object', '"just a string"', undefined],
    ['JSON null', 'null', undefined],
    ['an HTML error page', '  <html><body>Bad gateway</body></html>', undefined],
    ['plain text', ' Service Unavailable \n', 'Service Unavailable'],
    ['only whitespace', '  \n ', undefined],
  ])('%s', (_name, body, expected) => {
    expect(errorDetail(body)).toBe(expected);
  });

  it('bounds a long detail from JSON too', () => {
    expect(errorDetail(JSON.stringify({ message: 'y'.repeat(2000) }))).toBe('y'.repeat(500));
    expect(errorDetail('z'.repeat(500))).toBe('z'.repeat(500));
  });
});

describe('parseRetryAfter, edges', () => {
  it('rounds a date up to whole seconds, and uses the real clock when given none', () => {
    const now = Date.parse('2026-01-01T00:00:00.500Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:02 GMT', now)).toBe(2);
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter(' 30 ', now)).toBe(30);
    expect(parseRetryAfter('30s', now)).toBeUndefined();
    expect(parseRetryAfter('x30', now)).toBeUndefined();
    const inAMinute = new Date(Date.now() + 60_000).toUTCString();
    expect(parseRetryAfter(inAMinute)).toBeGreaterThanOrEqual(58);
    expect(parseRetryAfter(inAMinute)).toBeLessThanOrEqual(60);
  });
});

describe('errors without an HTTP answer', () => {
  it('name their kind, which decides the advice a tool gives', () => {
    const network = new NetworkError('GET api/v2/pages/1 failed: ECONNRESET', request);
    expect(network).toMatchObject({ name: 'NetworkError', status: undefined, request });
    expect(new TimeoutError('GET api/v2/pages/1 timed out', request).name).toBe('TimeoutError');
  });
});

describe('what a 409 and a 429 tell the caller to do', () => {
  it('reads the current version however Confluence spaces it, so the caller can retry on top of it', () => {
    const conflict = (body: string) =>
      (errorFromResponse({ status: 409, headers: new Headers(), body }, request) as ConflictError)
        .currentVersion;
    expect(conflict(v2(409, 'Current Version:[7]'))).toBe(7);
    expect(conflict(v2(409, 'current version:   [8]'))).toBe(8);
    expect(conflict(v2(409, 'CURRENT VERSION 9'))).toBe(9);
  });

  it('keeps a reset time up to a day ahead and drops one further off', () => {
    const now = Date.parse('2026-06-01T12:00:00Z');
    vi.useFakeTimers({ now, toFake: ['Date'] });
    try {
      const resetAt = (reset: string) =>
        (
          errorFromResponse(
            { status: 429, headers: new Headers({ 'x-ratelimit-reset': reset }), body: '' },
            request,
          ) as RateLimitError
        ).resetAt?.toISOString();
      expect(resetAt('2026-06-01T13:00:00Z')).toBe('2026-06-01T13:00:00.000Z');
      expect(resetAt('2026-06-02T12:00:00Z')).toBe('2026-06-02T12:00:00.000Z');
      expect(resetAt('2026-06-02T12:00:01Z')).toBeUndefined();
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('errorDetail, values of the wrong type', () => {
  it('takes only non-empty strings from a v2 list entry', () => {
    expect(errorDetail('{"errors":[{"title":42,"detail":"x"},{"title":true,"detail":{}}]}')).toBe('x');
    expect(errorDetail('{"errors":[{"title":"A","detail":null}]}')).toBe('A');
    expect(errorDetail('{"errors":[{"title":"A","detail":""}]}')).toBe('A');
  });

  it('reads JSON null as no detail rather than failing', () => {
    expect(() => errorDetail('null')).not.toThrow();
    expect(errorDetail('null')).toBeUndefined();
  });
});
