import { describedText } from '../dom.js';
import { BLOCK_ELEMENTS } from '../elements.js';
import { isBlockMacro } from '../markdown/macros.js';
import type { SourceElement } from '../parse.js';
import { MAX_BLOCK_NESTING } from '../storage/markdown-parser.js';
import { type Classification, classify, type LossyKind } from './lossy.js';

/** A construct of the current storage that Markdown cannot carry faithfully. */
export interface LossyConstruct {
  readonly kind: LossyKind;
  /** What it is, for a person or a model: `jira macro (key=ENG-1)`, `inline comment`, `page layout`. */
  readonly description: string;
  /** Text of the nearest heading before it, or undefined when it comes before the first heading. */
  readonly heading: string | undefined;
  /**
   * `kept`: editing through `storageToEditableMarkdown` keeps it byte for byte behind a placeholder;
   * `formatting-lost`: its content stays editable but this formatting is lost when the page is saved.
   */
  readonly handling: 'kept' | 'formatting-lost';
  /** Offsets of the construct in the storage. */
  readonly start: number;
  readonly end: number;
}

/** A range of storage to keep byte for byte, standing as one placeholder. */
export interface KeepRange {
  start: number;
  end: number;
  readonly inline: boolean;
  label: string;
  /** Part of a wrap (its opening or closing), which may merge with a neighbouring one. */
  readonly boundary: boolean;
  /** The element it comes from, to fall back to its parent if its placeholder cannot be written. */
  readonly element: SourceElement;
}

export interface Detection {
  readonly constructs: LossyConstruct[];
  readonly keeps: KeepRange[];
}

// Elements whose content Markdown writes inline, so a placeholder inside them must be inline too.
const INLINE_PARENTS = new Set([
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'a',
  'span',
  'strong',
  'b',
  'em',
  'i',
  'u',
  's',
  'del',
  'strike',
  'sub',
  'sup',
  'code',
  'caption',
  'ac:link-body',
  'ac:inline-comment-marker',
]);

function isBlockish(element: SourceElement): boolean {
  if (element.name === 'ac:structured-macro' || element.name === 'ac:macro') return isBlockMacro(element);
  return BLOCK_ELEMENTS.has(element.name);
}

// Containers of blocks: what is kept there stands as a block of its own, as Confluence stores it.
const BLOCK_CONTAINERS = new Set([
  '#document',
  'ac:rich-text-body',
  'ac:layout-cell',
  'ac:adf-fallback',
  'blockquote',
  'div',
  'section',
]);

/** Whether the placeholder for a kept element is inline (in a paragraph) or a block of its own. */
function isInline(element: SourceElement): boolean {
  const parent = element.parent?.name ?? '#document';
  if (INLINE_PARENTS.has(parent) || parent === 'p') return true;
  if (BLOCK_CONTAINERS.has(parent)) return false;
  return !isBlockish(element);
}

/**
 * Elements nested this deep keep their content whole: Markdown nests at most one container per element and the
 * parser reads {@link MAX_BLOCK_NESTING} levels, so everything above this depth reads back as it was written.
 */
const MAX_MARKDOWN_DEPTH = MAX_BLOCK_NESTING - 20;

/**
 * Finds what Markdown cannot carry, walking the tree in document order. Elements in `forceWhole` are kept whole
 * whatever they are, used when a placeholder inside one could not be written.
 */
export function detect(
  root: SourceElement,
  storage: string,
  forceWhole: ReadonlySet<SourceElement> = new Set(),
): Detection {
  const constructs: LossyConstruct[] = [];
  const keeps: KeepRange[] = [];
  let heading: string | undefined;
  const record = (element: SourceElement, found: Classification): void => {
    const isLayoutPart = element.name === 'ac:layout-section' || element.name === 'ac:layout-cell';
    if (!isLayoutPart) {
      constructs.push({
        kind: found.kind,
        description: found.description,
        heading,
        handling: found.keep === 'formatting' ? 'formatting-lost' : 'kept',
        start: element.start,
        end: element.end,
      });
    }
    if (found.keep === 'formatting') return;
    const inline = isInline(element);
    if (found.keep === 'whole' || found.body === undefined) {
      keeps.push({
        start: element.start,
        end: element.end,
        inline,
        label: found.description,
        boundary: false,
        element,
      });
      return;
    }
    const body = found.body;
    keeps.push({
      start: element.start,
      end: body.openEnd,
      inline,
      label: `start of ${found.description}`,
      boundary: true,
      element,
    });
    keeps.push({
      start: body.closeStart,
      end: element.end,
      inline,
      label: `end of ${found.description}`,
      boundary: true,
      element,
    });
  };
  const visit = (element: SourceElement, depth: number): void => {
    for (const child of element.children) {
      if (child.type !== 'element') continue;
      if (/^h[1-6]$/.test(child.name)) heading = describedText(child);
      let found: Classification | undefined;
      if (forceWhole.has(child)) {
        found = {
          kind: 'unknown-element',
          description: `content around a ${child.name} element`,
          keep: 'whole',
        };
      } else if (depth >= MAX_MARKDOWN_DEPTH && child.children.some((node) => node.type === 'element')) {
        found = {
          kind: 'deep-nesting',
          description: 'content nested deeper than Markdown can carry',
          keep: 'whole',
        };
      } else {
        found = classify(child);
      }
      if (found !== undefined) record(child, found);
      if (found?.keep === 'whole') continue;
      visit(found?.keep === 'wrap' && found.body !== undefined ? found.body : child, depth + 1);
    }
  };
  visit(root, 1);
  return { constructs, keeps: normalize(keeps, storage) };
}

/**
 * Orders the ranges, drops those inside a range kept whole, and merges neighbouring wrap boundaries separated only
 * by whitespace (`</ac:layout-cell><ac:layout-cell>`) into one placeholder.
 */
function normalize(keeps: KeepRange[], storage: string): KeepRange[] {
  keeps.sort((a, b) => a.start - b.start || b.end - a.end);
  const result: KeepRange[] = [];
  for (const keep of keeps) {
    const previous = result[result.length - 1];
    if (previous !== undefined && keep.start < previous.end) continue;
    if (
      previous?.boundary &&
      keep.boundary &&
      previous.inline === keep.inline &&
      storage.slice(previous.end, keep.start).trim() === ''
    ) {
      previous.end = keep.end;
      previous.label = `${previous.label}, ${keep.label}`;
      continue;
    }
    result.push({ ...keep });
  }
  return result;
}
