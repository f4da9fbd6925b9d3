import { type ApplyResult, applyEditedMarkdown } from '../edit/apply.js';
import { markdownToStorage } from '../markdown-to-storage.js';
import { storageToEditableMarkdown } from '../preservation.js';
import { storageToMarkdown } from '../storage-to-markdown.js';

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
  | { readonly kind: 'apply-edit'; readonly currentStorage: string; readonly markdown: string };

/** Markdown for reading or editing, and the account ids its mentions name. */
export interface MarkdownResult {
  readonly markdown: string;
  readonly mentions: readonly string[];
}

export type JobResult<J extends ConversionJob> = J extends { kind: 'to-storage' }
  ? string
  : J extends { kind: 'to-markdown' }
    ? MarkdownResult
    : ApplyResult;

/** How big a job is, in characters: what decides whether it runs inline or in a worker. */
export function jobSize(job: ConversionJob): number {
  switch (job.kind) {
    case 'to-storage':
      return job.markdown.length;
    case 'to-markdown':
      return job.storage.length;
    case 'apply-edit':
      return job.currentStorage.length + job.markdown.length;
  }
}

/** Runs a conversion job to its result. */
export function runJob<J extends ConversionJob>(job: J): JobResult<J>;
export function runJob(job: ConversionJob): string | MarkdownResult | ApplyResult {
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
      // Placeholder ids follow document order, so reading the current page for editing again gives the fragments
      // the model's Markdown refers to.
      const { preserved } = storageToEditableMarkdown(job.currentStorage);
      return applyEditedMarkdown(job.markdown, preserved);
    }
  }
}
