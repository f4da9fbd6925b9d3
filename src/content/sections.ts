import { describedText } from './dom.js';
import { parseStorage, type SourceElement } from './parse.js';
import { storageProblem } from './storage/well-formed.js';

/** A heading of a page. */
export interface Section {
  readonly level: number;
  readonly text: string;
}

/** Where a section's body is in the storage: after its heading, up to the next heading of its level or higher. */
export interface SectionRange extends Section {
  /** Offset just after the heading's closing tag. */
  readonly bodyStart: number;
  /** Offset of the next such heading (or of the element holding it), or the end of the heading's container. */
  readonly bodyEnd: number;
}

function headingLevel(element: SourceElement): number | undefined {
  const match = /^h([1-6])$/.exec(element.name);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/** Every heading element, in document order. */
function headings(root: SourceElement): SourceElement[] {
  const found: SourceElement[] = [];
  const stack: SourceElement[] = [root];
  while (stack.length > 0) {
    const element = stack.pop() as SourceElement;
    if (headingLevel(element) !== undefined) found.push(element);
    for (let index = element.children.length - 1; index >= 0; index--) {
      const child = element.children[index];
      if (child?.type === 'element') stack.push(child);
    }
  }
  return found;
}

/** Heading text compared loosely: Unicode-normalized, whitespace collapsed, case ignored, leading `#`s dropped. */
function normalize(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/^\s*#{1,6}\s+/, '')
    .replace(/[\s\u00a0]+/g, ' ')
    .trim()
    .toLowerCase();
}

/** True when the element is, or holds, a heading of `level` or higher. */
function holdsHeading(element: SourceElement, level: number): boolean {
  const stack: SourceElement[] = [element];
  while (stack.length > 0) {
    const current = stack.pop() as SourceElement;
    const own = headingLevel(current);
    if (own !== undefined && own <= level) return true;
    for (const child of current.children) if (child.type === 'element') stack.push(child);
  }
  return false;
}

/** The headings of a page with their levels, in document order, including those inside layouts and macros. */
export function listSections(storage: string): Section[] {
  return headings(parseStorage(storage)).map((element) => ({
    level: headingLevel(element) ?? 1,
    text: describedText(element),
  }));
}

/**
 * The first section whose heading matches `heading` (compared as {@link normalize} does), or undefined. The section
 * ends at the next sibling heading of the same or a higher level, or the sibling element holding one, or else
 * where the heading's container ends: the end of a layout cell, a table cell, a macro body or the page.
 */
export function findSection(storage: string, heading: string): SectionRange | undefined {
  const wanted = normalize(heading);
  const element = headings(parseStorage(storage)).find(
    (candidate) => normalize(describedText(candidate)) === wanted,
  );
  if (element === undefined) return undefined;
  const level = headingLevel(element) ?? 1;
  const parent = element.parent;
  let bodyEnd = parent === undefined ? storage.length : parent.closeStart;
  const siblings = parent?.children ?? [];
  for (let index = siblings.indexOf(element) + 1; index < siblings.length; index++) {
    const sibling = siblings[index];
    if (sibling?.type === 'element' && holdsHeading(sibling, level)) {
      bodyEnd = sibling.start;
      break;
    }
  }
  return {
    level,
    text: describedText(element),
    bodyStart: element.end,
    bodyEnd: Math.max(bodyEnd, element.end),
  };
}

/** The new storage, or why the section could not be changed. */
export type ReplaceSectionResult = { readonly storage: string } | { readonly error: string };

/**
 * Replaces the body of the section under `heading` with `newStorageFragment`, or appends the fragment to it, leaving
 * every other byte of the storage as it was: the change is spliced in at source offsets, nothing is re-serialized.
 */
export function replaceSection(
  storage: string,
  heading: string,
  newStorageFragment: string,
  mode: 'replace' | 'append',
): ReplaceSectionResult {
  const problem = storageProblem(newStorageFragment);
  if (problem !== undefined) return { error: `The new content is not valid storage format: ${problem}.` };
  const section = findSection(storage, heading);
  if (section === undefined) {
    const known = listSections(storage)
      .slice(0, 40)
      .map((found) => `"${found.text}"`);
    return {
      error:
        known.length === 0
          ? `No heading "${heading}": the page has no headings.`
          : `No heading "${heading}". The page's headings are: ${known.join(', ')}.`,
    };
  }
  const at = mode === 'replace' ? section.bodyStart : section.bodyEnd;
  return { storage: storage.slice(0, at) + newStorageFragment + storage.slice(section.bodyEnd) };
}
