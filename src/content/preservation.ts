import { detect, type LossyConstruct } from './edit/detect.js';
import { editableDocument } from './edit/editable.js';
import type { StorageToMarkdownOptions } from './options.js';
import { parseStorage, type SourceElement } from './parse.js';

export { type ApplyOptions, type ApplyResult, applyEditedMarkdown } from './edit/apply.js';
export type { LossyConstruct } from './edit/detect.js';
export type { LossyKind } from './edit/lossy.js';
export { spliceEditedMarkdown } from './edit/splice.js';

/**
 * Edits that never lose content.
 *
 * Markdown cannot carry everything a Confluence page holds: macros it has no form for (Jira, draw.io, page
 * properties, excerpts, panels with colours), layouts, inline comments, anchors, editor extensions, sized images.
 * {@link preservationCheck} lists them. {@link storageToEditableMarkdown} keeps them BY CONSTRUCTION: each becomes
 * a placeholder comment holding only an id and a description, `<!-- confluence-keep 3: jira macro (key=ENG-1) -->`
 * on a line of its own or `<!--confluence-keep-inline 4: anchor intro-->` inside a paragraph, and the original
 * storage fragment is kept aside in `preserved`. Constructs whose content is page text (layouts, panels with
 * parameters, inline comments, unknown macros with a body) keep only their opening and closing markup that way,
 * two placeholders around a body that stays ordinary, editable Markdown. HTML comments survive Markdown parsing
 * and models leave them alone; the ids are assigned in document order, so the same storage always gives the same
 * Markdown and `preserved`.
 *
 * {@link spliceEditedMarkdown} saves such Markdown block by block: a block that comes back unchanged keeps its
 * storage byte for byte, so an unedited save gives back the page exactly (see `edit/splice.ts`).
 * {@link applyEditedMarkdown} converts the edited Markdown and splices each fragment back byte for byte. Deletion is
 * honoured only when explicit: a placeholder missing from the Markdown REFUSES the edit (with a message naming each
 * construct and where it was), unless its id is listed in `removed`. It also refuses placeholders that are
 * duplicated, damaged or unknown, the read-only `[Confluence macro: …]` form (the page was read for display, not
 * for editing), and any result that is not well-formed (placeholders moved apart, e.g. a layout's start moved
 * into a list), so an edit is either complete or not made. Formatting that Markdown drops (text colour, table
 * widths) is listed by `preservationCheck` with `handling: 'formatting-lost'` so a tool can say so.
 */

/** Lists the constructs of `currentStorage` that Markdown cannot carry faithfully, with where they are; `root` is it parsed. */
export function preservationCheck(
  currentStorage: string,
  root: SourceElement = parseStorage(currentStorage),
): { lossy: LossyConstruct[] } {
  return { lossy: detect(root, currentStorage).constructs };
}

/** Markdown to edit, with the storage its placeholders stand for. */
export interface EditableMarkdown {
  readonly markdown: string;
  /** Storage fragment of each placeholder id, to pass to {@link applyEditedMarkdown}. */
  readonly preserved: ReadonlyMap<string, string>;
  /** What Markdown cannot carry, kept behind placeholders or losing formatting only. */
  readonly constructs: readonly LossyConstruct[];
}

/**
 * Markdown for a model to edit, every construct Markdown cannot carry replaced by a placeholder (see the module
 * comment); `applyEditedMarkdown(markdown, preserved)` on the unedited result gives back storage with every
 * preserved fragment intact.
 */
export function storageToEditableMarkdown(
  storage: string,
  options: StorageToMarkdownOptions = {},
): EditableMarkdown {
  const { markdown, preserved, constructs } = editableDocument(storage, options);
  return { markdown, preserved, constructs };
}
