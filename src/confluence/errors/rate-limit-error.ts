import { ConfluenceError, type RequestSummary } from './confluence-error.js';

/** 429: a rate limit was hit; `retryAfterSeconds` says when to try again, when Confluence said. */
export class RateLimitError extends ConfluenceError {
  override readonly name = 'RateLimitError';
  override readonly kind = 'rate-limited';
  readonly retryAfterSeconds: number | undefined;
  /** When the quota resets (`X-RateLimit-Reset`), when Confluence said. */
  readonly resetAt: Date | undefined;
  /** Which limit (`RateLimit-Reason`), when Confluence said. */
  readonly reason: string | undefined;

  constructor(
    message: string,
    request: RequestSummary,
    info: { retryAfterSeconds?: number; resetAt?: Date; reason?: string; detail?: string },
  ) {
    super(message, request, 429, info.detail);
    this.retryAfterSeconds = info.retryAfterSeconds;
    this.resetAt = info.resetAt;
    this.reason = info.reason;
  }
}
