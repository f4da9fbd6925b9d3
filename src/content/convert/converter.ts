import type { ApplyResult } from '../edit/apply.js';
import { type ConversionJob, type JobResult, jobSize, type MarkdownResult, runJob } from './jobs.js';
import { PoolJobError, WorkerPool } from './pool.js';

export type { MarkdownResult } from './jobs.js';

/** A conversion stopped before it finished: over its budget, or the server too busy to take it; kind `refused`. */
export class ConversionStoppedError extends Error {
  override readonly name = 'ConversionStoppedError';
  readonly kind = 'refused' as const;
}

/**
 * Storage format <-> Markdown as the tools use it, asynchronous so that large inputs can run off the event loop.
 * Every method takes the call's AbortSignal: a cancelled call stops its conversion.
 */
export interface Converter {
  /** Storage format for Markdown the model wrote. */
  toStorage(markdown: string, signal?: AbortSignal): Promise<string>;
  /** Markdown to read (or, `editable`, to edit) and the account ids mentioned; `names` names those it knows. */
  toMarkdown(
    storage: string,
    options: { editable?: boolean; names?: ReadonlyMap<string, string> },
    signal?: AbortSignal,
  ): Promise<MarkdownResult>;
  /** The storage for edited Markdown, with what its placeholders stand for put back from `currentStorage`. */
  applyEdit(currentStorage: string, markdown: string, signal?: AbortSignal): Promise<ApplyResult>;
  close(): Promise<void>;
}

/** How a {@link pooledConverter} splits work between the event loop and its workers. */
export interface ConverterOptions {
  /** Inputs shorter than this (characters) convert on the event loop, where they are faster than a round trip. */
  readonly inlineBelowChars: number;
  /** Worker threads at most. */
  readonly workers: number;
  /** Longest one conversion may run in its worker. */
  readonly jobTimeoutMs: number;
  /** Heap of one worker, in MB. */
  readonly jobMemoryMb: number;
  /** Large conversions waiting for a worker at most. */
  readonly maxQueue: number;
  /** The worker's entry module (tests); the compiled worker beside the pool by default. */
  readonly entry?: URL;
}

function what(job: ConversionJob): string {
  switch (job.kind) {
    case 'to-storage':
      return 'Converting this Markdown to Confluence format';
    case 'to-markdown':
      return 'Converting this page to Markdown';
    case 'apply-edit':
      return 'Applying this Markdown edit';
  }
}

function nextStep(job: ConversionJob): string {
  return job.kind === 'to-markdown'
    ? 'Read it with body_format "storage" instead.'
    : 'Nothing was changed. The Markdown is likely pathological (for example thousands of unclosed "![" or "[", or lists and quotes nested hundreds deep): simplify it, change the page section by section, or send storage format.';
}

/** The error the model reads for a job the pool could not finish; a cancellation passes through as it is. */
function stopped(job: ConversionJob, error: unknown): unknown {
  if (!(error instanceof PoolJobError)) return error;
  switch (error.reason) {
    case 'time':
    case 'memory':
      return new ConversionStoppedError(`${what(job)} was stopped: ${error.message} ${nextStep(job)}`);
    case 'queue-full':
    case 'closed':
      return new ConversionStoppedError(
        `${what(job)} was not started: the server is busy with other large conversions (${error.message}) Nothing was changed; retry in a few seconds.`,
      );
    case 'crashed':
      return error;
  }
}

function converterOn(run: <J extends ConversionJob>(job: J, signal?: AbortSignal) => Promise<JobResult<J>>) {
  return {
    toStorage: (markdown: string, signal?: AbortSignal) => run({ kind: 'to-storage', markdown }, signal),
    toMarkdown: (
      storage: string,
      options: { editable?: boolean; names?: ReadonlyMap<string, string> },
      signal?: AbortSignal,
    ) =>
      run(
        {
          kind: 'to-markdown',
          storage,
          editable: options.editable ?? false,
          names: [...(options.names ?? [])],
        },
        signal,
      ),
    applyEdit: (currentStorage: string, markdown: string, signal?: AbortSignal) =>
      run({ kind: 'apply-edit', currentStorage, markdown }, signal),
  };
}

/** Converts everything on the event loop: for a process that serves one user (and tests). */
export function inlineConverter(): Converter {
  return {
    ...converterOn(async (job, signal) => {
      signal?.throwIfAborted();
      return runJob(job);
    }),
    close: async () => {},
  };
}

/**
 * Converts small inputs on the event loop and large ones in a pool of worker threads with a time and memory
 * budget per job, so that no input, however large or hostile, stalls the other callers.
 */
export function pooledConverter(options: ConverterOptions): Converter & { readonly pool: WorkerPool } {
  const pool = new WorkerPool({
    size: options.workers,
    jobTimeoutMs: options.jobTimeoutMs,
    jobMemoryMb: options.jobMemoryMb,
    maxQueue: options.maxQueue,
    ...(options.entry ? { entry: options.entry } : {}),
  });
  return {
    pool,
    ...converterOn(async <J extends ConversionJob>(job: J, signal?: AbortSignal) => {
      signal?.throwIfAborted();
      if (jobSize(job) < options.inlineBelowChars) return runJob(job);
      try {
        return (await pool.run(job, signal)) as JobResult<J>;
      } catch (error) {
        throw stopped(job, error);
      }
    }),
    close: () => pool.close(),
  };
}
