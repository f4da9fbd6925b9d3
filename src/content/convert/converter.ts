import type { ApplyResult } from '../edit/apply.js';
import { type ConversionJob, type JobResult, type MarkdownResult, runJob, runsInline } from './jobs.js';
import { PoolJobError, WorkerPool } from './pool.js';
import type { SectionEdit, SectionEditResult } from './section-edit.js';

export type { MarkdownResult } from './jobs.js';
export type { SectionEdit, SectionEditResult } from './section-edit.js';

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
  /**
   * One section of a page changed: found by heading, occurrence or path, checked for content a Markdown
   * replacement would delete, its new content converted and spliced in (see section-edit.ts).
   */
  editSection(edit: SectionEdit, signal?: AbortSignal): Promise<SectionEditResult>;
  /** The same converter with its waiting jobs queued under `key` (a user): lanes take turns for the workers. */
  lane(key: string): Converter;
  close(): Promise<void>;
}

/** How a {@link pooledConverter} splits work between the event loop and its workers. */
export interface ConverterOptions {
  /** Markdown shorter than this (characters) converts on the event loop: hostile Markdown is costly per character. */
  readonly inlineMarkdownBelowChars: number;
  /** Storage shorter than this converts on the event loop, where it is about as fast as a worker round trip. */
  readonly inlineStorageBelowChars: number;
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
    case 'section-edit':
      return 'Changing this section';
  }
}

function nextStep(job: ConversionJob): string {
  if (job.kind === 'to-markdown') return 'Read it with body_format "storage" instead.';
  if (job.kind === 'section-edit') {
    return job.bodyFormat === 'storage'
      ? 'Nothing was changed. The page is too large or too complex to change within the budget: update the whole page in storage format instead.'
      : 'Nothing was changed. The Markdown is likely pathological (for example thousands of unclosed "![" or "[", or lists and quotes nested hundreds deep): simplify it, add it in smaller parts (mode append), or send the section in storage format.';
  }
  return 'Nothing was changed. The Markdown is likely pathological (for example thousands of unclosed "![" or "[", or lists and quotes nested hundreds deep): simplify it, change the page section by section, or send storage format.';
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

type Run = <J extends ConversionJob>(
  job: J,
  signal: AbortSignal | undefined,
  lane: string,
) => Promise<JobResult<J>>;

function converterOn(run: Run, close: () => Promise<void>, lane = ''): Converter {
  return {
    toStorage: (markdown, signal) => run({ kind: 'to-storage', markdown }, signal, lane),
    toMarkdown: (storage, options, signal) =>
      run(
        {
          kind: 'to-markdown',
          storage,
          editable: options.editable ?? false,
          names: [...(options.names ?? [])],
        },
        signal,
        lane,
      ),
    applyEdit: (currentStorage, markdown, signal) =>
      run({ kind: 'apply-edit', currentStorage, markdown }, signal, lane),
    editSection: (edit, signal) => run({ kind: 'section-edit', ...edit }, signal, lane),
    lane: (key) => converterOn(run, close, key),
    close,
  };
}

/** Converts everything on the event loop: for a process that serves one user (and tests). */
export function inlineConverter(): Converter {
  return converterOn(
    async (job, signal) => {
      signal?.throwIfAborted();
      return runJob(job);
    },
    async () => {},
  );
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
  const inline = { markdown: options.inlineMarkdownBelowChars, storage: options.inlineStorageBelowChars };
  const run: Run = async <J extends ConversionJob>(job: J, signal: AbortSignal | undefined, lane: string) => {
    signal?.throwIfAborted();
    if (runsInline(job, inline)) return runJob(job);
    try {
      return (await pool.run(job, signal, lane)) as JobResult<J>;
    } catch (error) {
      // The call's deadline (or its cancellation) came first: say so in the words of a conversion, not of
      // whatever the deadline's reason names. A cancelled call's result is read by no one.
      if (signal?.aborted && error === signal.reason) {
        throw new ConversionStoppedError(
          `${what(job)} did not finish within this call's time: the server is busy with other large conversions. ${job.kind === 'to-markdown' ? 'Retry in a few seconds, or read it with body_format "storage".' : 'Nothing was changed; retry in a few seconds.'}`,
        );
      }
      throw stopped(job, error);
    }
  };
  return { pool, ...converterOn(run, () => pool.close()) };
}
