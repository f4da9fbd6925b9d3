import { type Detection, detect, type KeepRange, type LossyConstruct } from './edit/detect.js';
import { KEEP_BLOCK_ELEMENT, KEEP_INLINE_ELEMENT } from './keep.js';
import type { StorageToMarkdownOptions } from './options.js';
import { parseStorage, type SourceElement } from './parse.js';
import { attributes } from './storage/xhtml.js';
import { renderStorage } from './storage-to-markdown.js';

export { type ApplyOptions, type ApplyResult, applyEditedMarkdown } from './edit/apply.js';
export type { LossyConstruct } from './edit/detect.js';
export type { LossyKind } from './edit/lossy.js';

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
 * {@link applyEditedMarkdown} converts the edited Markdown and splices each fragment back byte for byte. Deletion is
 * honoured only when explicit: a placeholder missing from the Markdown REFUSES the edit (with a message naming each
 * construct and where it was), unless its id is listed in `removed`. It also refuses placeholders that are
 * duplicated, damaged or unknown, the read-only `[Confluence macro: …]` form (the page was read for display, not
 * for editing), and any result that is not well-formed (placeholders moved apart, e.g. a layout's start moved
 * into a list), so an edit is either complete or not made. Formatting that Markdown drops (text colour, table
 * widths) is listed by `preservationCheck` with `handling: 'formatting-lost'` so a tool can say so.
 */

/** Lists the constructs of `currentStorage` that Markdown cannot carry faithfully, with where they are. */
export function preservationCheck(currentStorage: string): { lossy: LossyConstruct[] } {
  return { lossy: detect(parseStorage(currentStorage), currentStorage).constructs };
}

/** Markdown to edit, with the storage its placeholders stand for. */
export interface EditableMarkdown {
  readonly markdown: string;
  /** Storage fragment of each placeholder id, to pass to {@link applyEditedMarkdown}. */
  readonly preserved: ReadonlyMap<string, string>;
  /** What Markdown cannot carry, kept behind placeholders or losing formatting only. */
  readonly constructs: readonly LossyConstruct[];
}

interface Prepared {
  readonly markdown: string;
  readonly preserved: Map<string, string>;
  readonly missing: KeepRange[];
}

function prepare(storage: string, detection: Detection, options: StorageToMarkdownOptions): Prepared {
  const preserved = new Map<string, string>();
  const pieces: string[] = [];
  let cursor = 0;
  detection.keeps.forEach((keep, index) => {
    const id = String(index + 1);
    preserved.set(id, storage.slice(keep.start, keep.end));
    const name = keep.inline ? KEEP_INLINE_ELEMENT : KEEP_BLOCK_ELEMENT;
    pieces.push(storage.slice(cursor, keep.start), `<${name}${attributes({ id, label: keep.label })} />`);
    cursor = keep.end;
  });
  pieces.push(storage.slice(cursor));
  const markdown = renderStorage(pieces.join(''), { options, inListItem: false, editable: true });
  const seen = new Set<string>();
  for (const match of markdown.matchAll(/<!--\s*confluence-keep(?:-inline)?\s+(\d+)/g))
    seen.add(match[1] ?? '');
  const missing = detection.keeps.filter((_, index) => !seen.has(String(index + 1)));
  return { markdown, preserved, missing };
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
  const root = parseStorage(storage);
  const forceWhole = new Set<SourceElement>();
  for (let round = 0; ; round++) {
    const detection = detect(root, storage, forceWhole);
    const prepared = prepare(storage, detection, options);
    if (prepared.missing.length === 0 || round === 8) {
      return { markdown: prepared.markdown, preserved: prepared.preserved, constructs: detection.constructs };
    }
    // A placeholder inside something Markdown writes as plain text (inline code, a mention) cannot be written:
    // keep the enclosing element whole instead, climbing faster after a few rounds.
    for (const keep of prepared.missing) {
      let element: SourceElement | undefined = keep.element.parent;
      for (let step = 0; step < round && element?.parent?.parent !== undefined; step++)
        element = element.parent;
      if (element !== undefined && element.parent !== undefined) forceWhole.add(element);
    }
  }
}
