import { ConfluenceError } from './confluence-error.js';

/** No HTTP answer: DNS, connection refused or reset. */
export class NetworkError extends ConfluenceError {
  override readonly name = 'NetworkError';
  override readonly kind = 'unreachable';
}
