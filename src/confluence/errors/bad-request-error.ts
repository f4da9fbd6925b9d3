import { ConfluenceError } from './confluence-error.js';

/** 400 (or 413, 422): Confluence refused the request as sent. */
export class BadRequestError extends ConfluenceError {
  override readonly name = 'BadRequestError';
  override readonly kind = 'rejected';
}
