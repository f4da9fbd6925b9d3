import { ConfluenceError } from './confluence-error.js';

/** 401 "scope does not match": the token lacks a scope the endpoint needs; only re-consent helps. */
export class ScopeMismatchError extends ConfluenceError {
  override readonly name = 'ScopeMismatchError';
  override readonly kind = 'scope-missing';
}
