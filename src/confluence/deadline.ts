import type { KindedError } from '../error-kind.js';

/** The abort reason of a call that ran out of its time: a timeout, not the client's cancellation. */
export class DeadlineExceededError extends Error implements KindedError {
  override readonly name = 'DeadlineExceededError';
  readonly kind = 'timeout';
  readonly deadlineMs: number;

  constructor(deadlineMs: number) {
    super(`the call ran out of its ${deadlineMs} ms`);
    this.deadlineMs = deadlineMs;
  }
}

const deadlines = new WeakMap<AbortSignal, number>();

/** When the call behind `signal` must have answered (epoch ms), if it has a deadline. */
export function deadlineOf(signal: AbortSignal | undefined): number | undefined {
  return signal ? deadlines.get(signal) : undefined;
}

/** Milliseconds left before the call's deadline (Infinity without one). */
export function timeLeft(signal: AbortSignal | undefined, now = Date.now()): number {
  const deadline = deadlineOf(signal);
  return deadline === undefined ? Number.POSITIVE_INFINITY : deadline - now;
}

/** A call's signal and the means to let go of its timer once the call is over. */
export interface CallSignal {
  readonly signal: AbortSignal;
  dispose(): void;
}

/**
 * One signal for a whole tool call: it aborts when the client cancels (with the client's reason) or when `ms` have
 * passed (with a {@link DeadlineExceededError}), and carries its deadline for {@link deadlineOf}, so every request
 * and retry under it knows how much time is left.
 */
export function callSignal(parent: AbortSignal, ms: number, now = Date.now()): CallSignal {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DeadlineExceededError(ms)), ms);
  const onAbort = () => controller.abort(parent.reason);
  const dispose = () => {
    clearTimeout(timer);
    parent.removeEventListener('abort', onAbort);
  };
  if (parent.aborted) controller.abort(parent.reason);
  else parent.addEventListener('abort', onAbort, { once: true });
  controller.signal.addEventListener('abort', dispose, { once: true });
  deadlines.set(controller.signal, now + ms);
  return { signal: controller.signal, dispose };
}
