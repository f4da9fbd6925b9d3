import { ConfluenceError } from './confluence-error.js';

/** 410: the endpoint was retired upstream (deprecated v1 content and space endpoints). */
export class GoneError extends ConfluenceError {
  override readonly name = 'GoneError';
  override readonly kind = 'gone';
}
