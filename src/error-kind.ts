/**
 * What went wrong, in words every layer shares. An error a tool call can end with carries one of these kinds (and,
 * where several services can fail the same way, which one); the MCP edge turns each kind into the text the model
 * reads, in one table (src/mcp/errors.ts). An error without a kind is a bug, and is reported as one.
 */

/** Every kind, for the runtime check. */
export const ERROR_KINDS = [
  /** The call's arguments are wrong or contradict each other. */
  'invalid-input',
  /** The tool chose not to act (to protect content, or by the operator's rules); the message says why. */
  'refused',
  /** The caller has no usable Confluence connection; it may carry a link to make one. */
  'not-connected',
  /** The connection lacks an OAuth scope the operation needs. */
  'scope-missing',
  /** Absent, not visible to the caller, or outside the operator's space bounds (told apart from none). */
  'not-found',
  /** The call names a site the caller's connection does not reach. */
  'unknown-site',
  /** The caller's CQL is malformed. */
  'invalid-query',
  /** A `cursor` that no list of this server handed out. */
  'invalid-cursor',
  /** The credentials were rejected (expired, revoked or wrong). */
  'unauthorized',
  /** The caller may see the content but not do this to it. */
  'forbidden',
  /** The write lost a race or collides with existing content. */
  'conflict',
  /** The API behind the operation was retired. */
  'gone',
  'rate-limited',
  /** A service failed or is down for now; `service` says which. */
  'unavailable',
  /** Another request holds what this one needs, for longer than it could wait. */
  'busy',
  /** No answer in time. */
  'timeout',
  /** No answer at all (DNS, connection refused or reset). */
  'unreachable',
  /** The server's own setup is wrong: only its operator can fix it. */
  'misconfigured',
  /** The upstream refused the request as sent. */
  'rejected',
] as const;

export type ErrorKind = (typeof ERROR_KINDS)[number];

/** Where a failure happened, for kinds that several services share. */
export type ErrorService = 'confluence' | 'token-store' | 'atlassian-oauth';

/**
 * An error a caller can act on: its kind, and the facts the text for the model may name. Every fact is optional;
 * each error class sets those it knows.
 */
export interface KindedError extends Error {
  readonly kind: ErrorKind;
  readonly service?: ErrorService | undefined;
  /** What the operation was about, in words (`page 123`). */
  readonly subject?: string | undefined;
  /** The upstream's own words, when it sent some. */
  readonly detail?: string | undefined;
  /** The upstream's HTTP status, when it answered. */
  readonly status?: number | undefined;
  /** A link that lets the user (re)connect. */
  readonly connectUrl?: string | undefined;
  readonly retryAfterSeconds?: number | undefined;
  readonly resetAt?: Date | undefined;
  /** The version the content is at now, when a conflict says. */
  readonly currentVersion?: number | undefined;
  /** A write that may have been carried out although no answer said so: check before repeating it. */
  readonly unconfirmedWrite?: boolean | undefined;
}

const KINDS: ReadonlySet<string> = new Set(ERROR_KINDS);

/** Whether `error` is an error with a known kind: checked at run time, since anything can be thrown. */
export function isKindedError(error: unknown): error is KindedError {
  return error instanceof Error && 'kind' in error && typeof error.kind === 'string' && KINDS.has(error.kind);
}
