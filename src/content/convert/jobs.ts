import type { ApplyResult } from '../edit/apply.js';
import { spliceEditedMarkdown } from '../edit/splice.js';
import { markdownToStorage } from '../markdown-to-storage.js';
import { storageToEditableMarkdown } from '../preservation.js';
import { storageToMarkdown } from '../storage-to-markdown.js';
import { editSection, type SectionEdit, type SectionEditResult } from './section-edit.js';

/** One conversion, as plain data: it runs the same on the event loop or in a worker thread. */
export type ConversionJob =
  | { readonly kind: 'to-storage'; readonly markdown: string }
  | {
      readonly kind: 'to-markdown';
      readonly storage: string;
      readonly editable: boolean;
      /** Display names for account ids, as pairs (a Map crosses to a worker as well, but pairs are plainer). */
      readonly names: readonly (readonly [string, string])[];
    }
  | { readonly kind: 'apply-edit'; readonly currentStorage: string; readonly markdown: string }
  | ({ readonly kind: 'section-edit' } & SectionEdit);

/** Markdown for reading or editing, and the account ids its mentions name. */
export interface MarkdownResult {
  readonly markdown: string;
  readonly mentions: readonly string[];
}

export type JobResult<J extends ConversionJob> = J extends { kind: 'to-storage' }
  ? string
  : J extends { kind: 'to-markdown' }
    ? MarkdownResult
    : J extends { kind: 'section-edit' }
      ? SectionEditResult
      : ApplyResult;

/** Below which sizes (characters) a job runs on the event loop: Markdown from the model, and storage. */
export interface InlineBounds {
  readonly markdown: number;
  readonly storage: number;
}

/**
 * Whether a job is small enough to run on the event loop. Markdown the model sends is judged more strictly than
 * storage: hostile Markdown costs far more per character than any storage does.
 */
export function runsInline(job: ConversionJob, bounds: InlineBounds): boolean {
  switch (job.kind) {
    case 'to-storage':
      return job.markdown.length < bounds.markdown;
    case 'to-markdown':
      return job.storage.length < bounds.storage;
    case 'apply-edit':
      return job.markdown.length < bounds.markdown && job.currentStorage.length < bounds.storage;
    case 'section-edit':
      // Finding the section parses the whole page, and new content in storage format is parsed to check it: the
      // page's size counts, and the new content's by its format.
      return (
        job.storage.length < bounds.storage &&
        job.body.length < (job.bodyFormat === 'storage' ? bounds.storage : bounds.markdown)
      );
  }
}

/** Runs a conversion job to its result. */
export function runJob<J extends ConversionJob>(job: J): JobResult<J>;
export function runJob(job: ConversionJob): string | MarkdownResult | ApplyResult | SectionEditResult {
  switch (job.kind) {
    case 'to-storage':
      return markdownToStorage(job.markdown);
    case 'to-markdown': {
      const names = new Map(job.names);
      const mentions = new Set<string>();
      const userName = (id: string) => {
        mentions.add(id);
        return names.get(id);
      };
      const markdown = job.editable
        ? storageToEditableMarkdown(job.storage, { userName }).markdown
        : storageToMarkdown(job.storage, { userName });
      return { markdown, mentions: [...mentions] };
    }
    case 'apply-edit': {
      // The current page is read for editing again (placeholder ids follow document order), and every block
      // that comes back unchanged keeps its storage byte for byte.
      return spliceEditedMarkdown(job.currentStorage, job.markdown);
    }
    case 'section-edit':
      return editSection(job);
  }
}
