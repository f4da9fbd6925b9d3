/** What an OAuth bearer-token error is called on the wire (RFC 6750 section 3.1). */
export type BearerErrorCode = 'invalid_token' | 'insufficient_scope';

/**
 * The caller's bearer token is missing, malformed, forged, expired or meant for someone else: answer 401 (or 403
 * for {@link InsufficientCallerScopeError}). The message is a short reason with no quotes or backslashes, safe to
 * put in `WWW-Authenticate`; it never holds the token or its claims.
 */
export class InvalidCallerTokenError extends Error {
  override readonly name: string = 'InvalidCallerTokenError';
  /** The RFC 6750 error code to send back. */
  readonly error: BearerErrorCode = 'invalid_token';
}

/** The token is valid but lacks scopes this server requires: answer 403 with `error="insufficient_scope"`. */
export class InsufficientCallerScopeError extends InvalidCallerTokenError {
  override readonly name = 'InsufficientCallerScopeError';
  override readonly error = 'insufficient_scope';

  constructor(readonly requiredScopes: readonly string[]) {
    super('insufficient scope');
  }
}

/**
 * The issuer's signing keys could not be fetched (network failure, timeout, not a JWKS): the token may be fine, so
 * answer 503 rather than telling the client to sign in again.
 */
export class CallerKeysUnavailableError extends Error {
  override readonly name = 'CallerKeysUnavailableError';
}
