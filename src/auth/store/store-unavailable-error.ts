import type { KindedError } from '../../error-kind.js';

/**
 * The token store cannot be used right now (Redis unreachable or too slow, store file locked or unreadable, store
 * closed). `reason` says why in words that never contain a token, a key, a password or a connection URL.
 */
export class StoreUnavailableError extends Error implements KindedError {
  override readonly name = 'StoreUnavailableError';
  readonly kind = 'unavailable';
  readonly service = 'token-store';
  readonly reason: string;

  constructor(reason: string) {
    super(`token store unavailable: ${reason}`);
    this.reason = reason;
  }
}
