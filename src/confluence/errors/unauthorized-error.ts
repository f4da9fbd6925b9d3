import { ConfluenceError } from './confluence-error.js';

/** 401: the credential is missing, expired or revoked. */
export class UnauthorizedError extends ConfluenceError {
  override readonly name = 'UnauthorizedError';
  override readonly kind = 'unauthorized';
}
