import {
  BadRequestError,
  ConflictError,
  type ConfluenceError,
  ForbiddenError,
  GoneError,
  NotFoundError,
  RateLimitError,
  type RequestSummary,
  ScopeMismatchError,
  ServerError,
  UnauthorizedError,
} from './errors/index.js';

/** The parts of an HTTP answer that decide which error it becomes. */
export interface FailedResponse {
  status: number;
  headers: Headers;
  /** The body as text; may be empty or not JSON. */
  body: string;
}

const maxDetail = 500;

/**
 * Confluence's own words from an error body, whichever of its shapes it used: v2 `{errors: [{title, detail}]}`,
 * v1 `{statusCode, message}`, the gateway's `{code, message}`, OAuth's `{error, error_description}`.
 */
export function errorDetail(body: string): string | undefined {
  const text = body.trim();
  if (!text) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return text.startsWith('<') ? undefined : text.slice(0, maxDetail);
  }
  if (!parsed || typeof parsed !== 'object') return undefined;
  const o = parsed as Record<string, unknown>;
  const parts: string[] = [];
  if (Array.isArray(o.errors)) {
    for (const e of o.errors as Record<string, unknown>[]) {
      const piece = [e?.title, e?.detail].filter((v) => typeof v === 'string' && v).join(': ');
      if (piece) parts.push(piece);
    }
  }
  for (const key of ['message', 'error_description', 'error']) {
    if (typeof o[key] === 'string' && o[key]) {
      parts.push(o[key] as string);
      break;
    }
  }
  const detail = parts.join('; ');
  return detail ? detail.slice(0, maxDetail) : undefined;
}

/**
 * The longest wait reported, in seconds (a day): a larger `Retry-After` says "much later", and taken literally it
 * would make a date past what JavaScript can represent.
 */
export const MAX_RETRY_AFTER_SECONDS = 86_400;

/** Seconds to wait from a `Retry-After` header (a number of seconds or an HTTP date), at most a day. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Math.min(Number(trimmed), MAX_RETRY_AFTER_SECONDS);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(0, Math.ceil((at - now) / 1000)));
}

/** An `X-RateLimit-Reset` date, ignored when unreadable or more than a day away (like Retry-After). */
function parseResetDate(value: string | null, now = Date.now()): Date | undefined {
  if (!value) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) || at - now > MAX_RETRY_AFTER_SECONDS * 1000 ? undefined : new Date(at);
}

/** The one place an HTTP status becomes a typed error. */
export function errorFromResponse(response: FailedResponse, request: RequestSummary): ConfluenceError {
  const { status, headers } = response;
  const detail = errorDetail(response.body);
  const message = `${request.method} ${request.path} answered ${status}${detail ? `: ${detail}` : ''}`;
  switch (status) {
    case 401:
      return detail && /scope does not match/i.test(detail)
        ? new ScopeMismatchError(message, request, status, detail)
        : new UnauthorizedError(message, request, status, detail);
    case 403:
      return new ForbiddenError(message, request, status, detail);
    case 404:
      return new NotFoundError(message, request, status, detail);
    case 409:
      return new ConflictError(message, request, detail);
    case 410:
      return new GoneError(message, request, status, detail);
    case 429: {
      const info: ConstructorParameters<typeof RateLimitError>[2] = {};
      const retryAfter = parseRetryAfter(headers.get('retry-after'));
      const resetAt = parseResetDate(headers.get('x-ratelimit-reset'));
      const reason = headers.get('ratelimit-reason');
      if (retryAfter !== undefined) info.retryAfterSeconds = retryAfter;
      if (resetAt) info.resetAt = resetAt;
      if (reason) info.reason = reason;
      if (detail) info.detail = detail;
      return new RateLimitError(message, request, info);
    }
    default:
      return status >= 500
        ? new ServerError(message, request, status, detail)
        : new BadRequestError(message, request, status, detail);
  }
}
