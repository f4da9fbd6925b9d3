import { ConfluenceError } from './confluence-error.js';

/** 403: the caller may see the content but not do this to it. */
export class ForbiddenError extends ConfluenceError {
  override readonly name = 'ForbiddenError';
  override readonly kind = 'forbidden';
}
