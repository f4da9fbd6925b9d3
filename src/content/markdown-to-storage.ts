import { blocksToStorage } from './storage/blocks.js';
import { ConversionContext, type MarkdownToStorageOptions } from './storage/context.js';
import { parseMarkdown } from './storage/markdown-parser.js';

export type { MarkdownToStorageOptions } from './storage/context.js';
export { isWellFormedStorage, storageProblem } from './storage/well-formed.js';

/** The storage and what the conversion met, for callers that check placeholders (see `editable.ts`). */
export interface MarkdownConversion {
  readonly storage: string;
  /** Ids of `confluence-keep` placeholders replaced by their fragment, in document order. */
  readonly keptIds: readonly string[];
  /** Placeholders with no fragment for their id, or damaged beyond reading. */
  readonly unresolvedKeeps: readonly string[];
}

/** Like {@link markdownToStorage}, also reporting the placeholders met. */
export function convertMarkdown(
  markdown: string,
  options: MarkdownToStorageOptions = {},
): MarkdownConversion {
  const ctx = new ConversionContext(options);
  const storage = blocksToStorage(parseMarkdown(markdown), ctx);
  return { storage, keptIds: ctx.keptIds, unresolvedKeeps: ctx.unresolvedKeeps };
}

/**
 * Converts GitHub-flavoured Markdown to Confluence storage format, reading back every form storageToMarkdown
 * writes. The result is always well-formed XHTML: text and attributes escaped (only XML's own entities),
 * void elements self-closed, code in CDATA, every container closed. It never throws on any input and runs in
 * time roughly linear in it.
 *
 * Forms read besides plain Markdown:
 * - links: `confluence-page:`, `confluence-blog-post:`, `confluence-attachment:`, `confluence-space:`,
 *   `confluence-content:` references (with `#anchor`) and `#anchor` become `ac:link`s; `confluence-user:` a
 *   mention; images of attachments or URLs become `ac:image`;
 * - task list items (`- [ ]`, `- [x]`) become `ac:task-list`s, numbered from `firstTaskId`;
 * - fenced code becomes a code macro, the info string giving the language and `key="value"` parameters
 *   (`python title="setup.py"`); GitHub alerts become panels (NOTE info, TIP tip, IMPORTANT and WARNING note,
 *   CAUTION warning), a bold line alone after the marker being the title; `<details><summary>` an expand macro;
 *   `` `[STATUS: TITLE (colour)]` `` a status macro; markers such as `[Table of contents]` their macros;
 * - raw HTML tables (colspan, rowspan, Markdown in cells), `<u>`, `<sub>`, `<sup>`, `<br>`;
 * - `<time datetime="2024-01-15">2024-01-15</time>` a date chip (its text is the chip's); dates in plain text
 *   stay text unless `dateChips` is set;
 * - legacy emoticons' emoji become `ac:emoticon`; with `previous`, an emoji that was text there stays text;
 * - `<!-- confluence-keep ID: … -->` placeholders become the fragment `preserved` holds for ID.
 *
 * The unknown-macro placeholder storageToMarkdown writes (`[Confluence macro: jira (key=…)]`) stays text: a
 * macro cannot be rebuilt from it. Edit through `storageToEditableMarkdown` to keep such macros.
 */
export function markdownToStorage(markdown: string, options: MarkdownToStorageOptions = {}): string {
  return convertMarkdown(markdown, options).storage;
}
