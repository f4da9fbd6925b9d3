import { ConfluenceError } from './confluence-error.js';

/** 404: the content does not exist, or the caller may not see it (v2 does not tell the two apart). */
export class NotFoundError extends ConfluenceError {
  override readonly name = 'NotFoundError';
  override readonly kind = 'not-found';
}
