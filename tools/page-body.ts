import { z } from 'zod';
import { type ToolContext, ToolInputError, ToolRefusal } from './define.js';

/** How a tool takes a page body from the model. */
export const bodyFormatArgument = z
  .enum(['markdown', 'storage'])
  .default('markdown')
  .describe('markdown, or storage (XHTML, used as given).');

/**
 * Markdown parsing is the one step whose cost can grow badly with hostile input (markdown-it needs seconds for
 * a megabyte of nested brackets): large bodies convert in a worker with a time budget (ctx.convert), and bodies
 * beyond this go as storage, which is only passed through.
 */
export const MAX_MARKDOWN_CHARS = 1_000_000;

/** Refuses a Markdown body larger than {@link MAX_MARKDOWN_CHARS}, with what to send instead. */
export function checkMarkdownSize(markdown: string): void {
  if (markdown.length > MAX_MARKDOWN_CHARS) {
    throw new ToolInputError(
      `A Markdown body may hold at most ${MAX_MARKDOWN_CHARS} characters (this one has ${markdown.length}). Send a larger page in storage format, or change it section by section.`,
    );
  }
}

/** Storage format for a new body the model wrote in `format`. */
export async function storageFromInput(
  ctx: ToolContext,
  body: string,
  format: 'markdown' | 'storage',
): Promise<string> {
  if (format === 'storage') return body;
  checkMarkdownSize(body);
  return ctx.convert.toStorage(body, ctx.signal);
}

/**
 * The storage for a whole-body update written in Markdown, keeping what Markdown cannot carry. The current page is
 * read for editing again here (placeholder ids follow document order, so they match what the model read if the page
 * has not changed): every top-level block that comes back unchanged keeps its storage byte for byte, only the
 * others are converted, and each `<!-- confluence-keep N -->` placeholder gets its original storage back. A
 * missing, duplicated or damaged placeholder makes this refuse: a Markdown update never drops such content.
 */
export async function storageForUpdate(
  ctx: ToolContext,
  currentStorage: string,
  markdown: string,
): Promise<string> {
  checkMarkdownSize(markdown);
  // No removals through Markdown: deleting what Markdown cannot show takes an explicit storage-format update.
  // What Markdown cannot say of re-generated macros, tables and emoticons is taken back from the current page
  // (in the conversion job: see content/convert/jobs.ts).
  const result = await ctx.convert.applyEdit(currentStorage, markdown, ctx.signal);
  if ('refused' in result) {
    throw new ToolRefusal(
      `Not updated: ${result.refused} Nothing was changed. Read the page with body_format "editable_markdown" and keep every <!-- confluence-keep … --> placeholder where it belongs; to delete such content on purpose, send the whole body with body_format "storage".`,
    );
  }
  return result.storage;
}
