import { ConfluenceError } from './confluence-error.js';

/** 5xx: Confluence failed; a later retry may work. */
export class ServerError extends ConfluenceError {
  override readonly name = 'ServerError';
  override readonly kind = 'unavailable';
}
