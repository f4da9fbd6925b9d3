import { markdownContext, renderBlocks } from './markdown/blocks.js';
import { MarkdownWriter } from './markdown/writer.js';
import type { RenderContext, StorageToMarkdownOptions } from './options.js';
import { parseStorage } from './parse.js';

export type { StorageToMarkdownOptions } from './options.js';

/**
 * Converts a Confluence storage-format document to GitHub-flavoured Markdown for a model to read. It never
 * throws on malformed input, and runs in time roughly linear in the input.
 *
 * Forms chosen where Markdown has none:
 * - page link: `[text](<pageUrl>)`, else `[text](<confluence-page:SPACE/Title>)` (`confluence-page:Title` when
 *   the link names no space), components percent-encoded as described in `references.ts`;
 * - mention: `[@Display Name](confluence-user:<account id>)`, `[@<account id>](…)` when the name is unknown;
 * - attachment: `attachmentUrl`, else `confluence-attachment:file.pdf` (`…:SPACE/Page/file.pdf` on another page);
 * - panels: GitHub alerts (info NOTE, tip/success TIP, note WARNING, warning/error CAUTION) with the title as a
 *   bold first line; the generic `panel` macro as a plain quote;
 * - status: `` `[STATUS: TITLE (colour)]` ``; expand: `<details><summary>Title</summary>` around the body;
 * - generated content (toc, children, pagetree, ...): a marker such as `[Table of contents]`; anchors: nothing;
 * - unknown macro: `[Confluence macro: name (param=value, …)]` followed by its body;
 * - layouts: cells in reading order, cells of one section separated by `---`;
 * - underline `<u>`, sub/superscript `<sub>`/`<sup>`, hard line break a trailing `\`;
 * - tables: pipe tables when every cell is one unmerged paragraph, else an HTML table with Markdown cells.
 */
export function storageToMarkdown(storage: string, options: StorageToMarkdownOptions = {}): string {
  return renderStorage(storage, { options, inListItem: false });
}

/** Renders storage with a given context; `editable` mode is used by `preservation.ts`. */
export function renderStorage(storage: string, ctx: RenderContext): string {
  const root = parseStorage(storage);
  const writer = new MarkdownWriter();
  renderBlocks(root.children, markdownContext(ctx), writer);
  return writer.toString();
}
