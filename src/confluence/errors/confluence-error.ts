import type { ErrorKind, KindedError } from '../../error-kind.js';

/** What a failed Confluence request was, for messages and logs. Never holds credentials. */
export interface RequestSummary {
  method: string;
  /** Path and query relative to the API root, e.g. `api/v2/pages/123?body-format=storage`. */
  path: string;
  /** What was asked for, in words, e.g. `page 123`; used to tell the model what went wrong. */
  subject?: string;
}

/** Base of every error the Confluence client throws; `kind` says what happened, `name` which class it is. */
export abstract class ConfluenceError extends Error implements KindedError {
  abstract override readonly name: string;
  abstract readonly kind: ErrorKind;
  readonly service = 'confluence';
  readonly request: RequestSummary;
  /** HTTP status, when Confluence answered. */
  readonly status: number | undefined;
  /** Confluence's own message, when it sent one. */
  readonly detail: string | undefined;
  /** How many times the request was sent before this answer (retries included); set by the client. */
  attempts = 1;
  /**
   * A write that may have been carried out although no answer said so (the connection failed or the call ran out
   * of time after it was sent): it must be checked before it is repeated.
   */
  unconfirmedWrite = false;

  constructor(
    message: string,
    request: RequestSummary,
    status?: number,
    detail?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.request = request;
    this.status = status;
    this.detail = detail;
  }

  /** What was asked for, in words (`page 123`), when the request said. */
  get subject(): string | undefined {
    return this.request.subject;
  }
}
