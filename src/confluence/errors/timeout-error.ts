import { ConfluenceError } from './confluence-error.js';

/** No answer within the configured timeout. */
export class TimeoutError extends ConfluenceError {
  override readonly name = 'TimeoutError';
  override readonly kind = 'timeout';
}
