import { Worker } from 'node:worker_threads';
import type { ConversionJob } from './jobs.js';
import type { AnswerMessage, JobMessage, ReadyMessage } from './worker.js';

/** How a {@link WorkerPool} runs jobs. */
export interface WorkerPoolOptions {
  /** Worker threads at most; each is started when first needed and kept. */
  readonly size: number;
  /** Longest a job may run in its worker (queueing not counted) before the worker is ended. */
  readonly jobTimeoutMs: number;
  /** Heap of one worker (V8 old generation), in MB: a job that needs more ends its worker. */
  readonly jobMemoryMb: number;
  /** Jobs waiting for a worker at most; more are refused at once. */
  readonly maxQueue: number;
  /** The worker's entry module; the compiled worker.js beside this module by default. */
  readonly entry?: URL;
}

/** Why a job did not finish: over its time or memory budget, the pool full or closed, or the worker failed. */
export type PoolFailure = 'time' | 'memory' | 'queue-full' | 'closed' | 'crashed';

/** A job the pool could not finish; `reason` says why. */
export class PoolJobError extends Error {
  override readonly name = 'PoolJobError';
  constructor(
    readonly reason: PoolFailure,
    message: string,
  ) {
    super(message);
  }
}

interface Pending {
  readonly id: number;
  readonly job: ConversionJob;
  readonly signal: AbortSignal | undefined;
  resolve(value: unknown): void;
  reject(error: unknown): void;
  onAbort?: () => void;
  settled?: boolean;
}

interface Slot {
  readonly worker: Worker;
  running?: Pending | undefined;
  timer?: NodeJS.Timeout | undefined;
  /** The worker has loaded the converter: a job's time budget counts from then, not from the thread's start. */
  ready?: boolean;
  /** Set once the worker is being ended, so its exit is not taken for a crash. */
  ended?: boolean;
}

// Run from TypeScript sources (vitest), the worker is the .ts file beside this one; the tests register a loader
// for it (test/support/ts-register.mjs), which worker threads inherit from their process.
const DEFAULT_ENTRY = new URL(
  import.meta.url.endsWith('.ts') ? './worker.ts' : './worker.js',
  import.meta.url,
);

/**
 * A small pool of worker threads for CPU-heavy conversions, so one large or hostile body never blocks the event
 * loop every other caller shares. Each job gets a time budget counted from when a worker takes it and a memory
 * budget (`resourceLimits`); a job over either, or whose caller cancels it, ends its worker (a synchronous
 * conversion cannot be interrupted any other way) and a fresh one takes the next job. Idle workers are unref'd,
 * so the pool never keeps a process alive.
 */
export class WorkerPool {
  readonly #options: WorkerPoolOptions;
  readonly #slots: Slot[] = [];
  readonly #queue: Pending[] = [];
  #nextId = 1;
  #closed = false;
  /** Workers started so far, replacements included (for tests and metrics). */
  started = 0;

  constructor(options: WorkerPoolOptions) {
    this.#options = options;
  }

  /** Jobs running and waiting now. */
  get load(): { running: number; queued: number; workers: number } {
    return {
      running: this.#slots.filter((s) => s.running).length,
      queued: this.#queue.length,
      workers: this.#slots.length,
    };
  }

  /** Runs `job` in a worker; rejects with a PoolJobError, or the signal's reason when the caller cancels. */
  run(job: ConversionJob, signal?: AbortSignal): Promise<unknown> {
    if (this.#closed) return Promise.reject(new PoolJobError('closed', 'The conversion pool is closed.'));
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#queue.length >= this.#options.maxQueue) {
      return Promise.reject(
        new PoolJobError('queue-full', `${this.#queue.length} large conversions are already waiting.`),
      );
    }
    return new Promise((resolve, reject) => {
      const pending: Pending = { id: this.#nextId++, job, signal, resolve, reject };
      if (signal) {
        pending.onAbort = () => this.#cancel(pending);
        signal.addEventListener('abort', pending.onAbort, { once: true });
      }
      this.#queue.push(pending);
      this.#dispatch();
    });
  }

  /** Ends every worker and refuses what waits. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const pending of this.#queue.splice(0)) {
      this.#settle(pending, () => pending.reject(new PoolJobError('closed', 'The conversion pool closed.')));
    }
    await Promise.all(
      [...this.#slots].map((slot) => {
        if (slot.running) {
          const pending = slot.running;
          this.#settle(pending, () =>
            pending.reject(new PoolJobError('closed', 'The conversion pool closed.')),
          );
        }
        return this.#end(slot);
      }),
    );
  }

  #dispatch(): void {
    while (this.#queue.length) {
      const slot = this.#slots.find((s) => !s.running && !s.ended) ?? this.#spawn();
      if (!slot) return;
      const pending = this.#queue.shift() as Pending;
      slot.running = pending;
      slot.worker.ref();
      if (slot.ready) this.#startClock(slot);
      slot.worker.postMessage({ id: pending.id, job: pending.job } satisfies JobMessage);
    }
  }

  #spawn(): Slot | undefined {
    if (this.#closed || this.#slots.filter((s) => !s.ended).length >= this.#options.size) return undefined;
    const memory = this.#options.jobMemoryMb;
    const worker = new Worker(this.#options.entry ?? DEFAULT_ENTRY, {
      resourceLimits: {
        maxOldGenerationSizeMb: memory,
        maxYoungGenerationSizeMb: Math.max(4, Math.floor(memory / 8)),
      },
      // The conversion writes nothing; its stdio would only interleave with the server's log.
      stdout: true,
      stderr: true,
    });
    worker.stdout.resume();
    worker.stderr.resume();
    const slot: Slot = { worker };
    this.started += 1;
    worker.on('message', (answer: AnswerMessage | ReadyMessage) => this.#answered(slot, answer));
    worker.on('error', (error: Error & { code?: string }) => {
      this.#failed(slot, error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'memory' : 'crashed', error.message);
    });
    worker.on('exit', () => this.#failed(slot, 'crashed', 'The conversion worker stopped.'));
    this.#slots.push(slot);
    return slot;
  }

  #startClock(slot: Slot): void {
    slot.timer = setTimeout(() => this.#overBudget(slot, 'time'), this.#options.jobTimeoutMs);
  }

  #answered(slot: Slot, answer: AnswerMessage | ReadyMessage): void {
    if ('ready' in answer) {
      slot.ready = true;
      if (slot.running) this.#startClock(slot);
      return;
    }
    const pending = slot.running;
    if (!pending || pending.id !== answer.id) return;
    this.#release(slot);
    this.#settle(pending, () =>
      answer.ok
        ? pending.resolve(answer.result)
        : pending.reject(new PoolJobError('crashed', answer.message)),
    );
    this.#dispatch();
  }

  #overBudget(slot: Slot, reason: 'time' | 'memory'): void {
    const pending = slot.running;
    void this.#end(slot);
    if (pending) {
      const budget =
        reason === 'time'
          ? `${this.#options.jobTimeoutMs} ms of work`
          : `${this.#options.jobMemoryMb} MB of memory`;
      this.#settle(pending, () =>
        pending.reject(new PoolJobError(reason, `The conversion needed more than its ${budget}.`)),
      );
    }
    this.#dispatch();
  }

  #failed(slot: Slot, reason: PoolFailure, message: string): void {
    if (slot.ended) return;
    if (reason === 'memory') {
      this.#overBudget(slot, 'memory');
      return;
    }
    const pending = slot.running;
    void this.#end(slot);
    if (pending) this.#settle(pending, () => pending.reject(new PoolJobError(reason, message)));
    this.#dispatch();
  }

  #cancel(pending: Pending): void {
    const queued = this.#queue.indexOf(pending);
    if (queued >= 0) this.#queue.splice(queued, 1);
    const slot = this.#slots.find((s) => s.running === pending);
    if (slot) void this.#end(slot);
    this.#settle(pending, () => pending.reject(pending.signal?.reason));
    this.#dispatch();
  }

  #release(slot: Slot): void {
    clearTimeout(slot.timer);
    slot.running = undefined;
    slot.worker.unref();
  }

  /** Ends a worker whatever it is doing; the next dispatch starts a replacement when one is needed. */
  #end(slot: Slot): Promise<unknown> {
    if (slot.ended) return Promise.resolve();
    slot.ended = true;
    clearTimeout(slot.timer);
    slot.running = undefined;
    const index = this.#slots.indexOf(slot);
    if (index >= 0) this.#slots.splice(index, 1);
    return slot.worker.terminate();
  }

  #settle(pending: Pending, settle: () => void): void {
    if (pending.settled) return;
    pending.settled = true;
    if (pending.onAbort) pending.signal?.removeEventListener('abort', pending.onAbort);
    settle();
  }
}
