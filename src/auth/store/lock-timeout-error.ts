import type { KindedError } from '../../error-kind.js';

/** Another holder kept the named lock for longer than the caller was willing to wait. */
export class LockTimeoutError extends Error implements KindedError {
  override readonly name = 'LockTimeoutError';
  readonly kind = 'busy';
  readonly service = 'token-store';
  readonly lockName: string;
  readonly waitMs: number;

  constructor(lockName: string, waitMs: number) {
    super(`lock "${lockName}" not acquired within ${waitMs} ms`);
    this.lockName = lockName;
    this.waitMs = waitMs;
  }
}
