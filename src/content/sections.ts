import { decodeHTML } from 'entities/decode';
import { describedText } from './dom.js';
import { parseStorage, type SourceElement } from './parse.js';
import { storageProblem } from './storage/well-formed.js';
import { storageToMarkdown } from './storage-to-markdown.js';

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
 * Heading text compared loosely: as the Markdown shows it (`## **Impact** ✅`) or as typed, Unicode-normalized,
 * Markdown formatting, escapes and leading `#`s dropped, whitespace collapsed, case ignored.
 */
function normalize(text: string): string {
  return decodeHTML(
    text
      .normalize('NFKC')
      .replace(/^\s*#{1,6}(?:\s+|$)/, '')
      .replace(/!?\[([^\]\n]*)\]\((?:<[^>\n]*>|[^)\s]*)(?:\s+"[^"\n]*")?\)/g, '$1')
      .replace(/<\/?[a-z][\w:-]*[^>]*>/gi, '')
      .replace(/\\([!-/:-@[-`{-~])/g, '$1')
      .replace(/(\*\*|__|\*|_|~~|`)(?=\S)([\s\S]*?\S)\1/g, '$2')
      .replace(/(\*\*|__|\*|_|~~|`)(?=\S)([\s\S]*?\S)\1/g, '$2'),
  )
    .replace(/[\s\u00a0]+/g, ' ')
    .trim()
    .toLowerCase();
}

/** Looser still: emoji, symbols and punctuation left out, so `Impact` finds `✅ Impact:`. */
function bare(text: string): string {
  return normalize(text)
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

interface Candidate {
  readonly element: SourceElement;
  readonly level: number;
  /** The heading as Markdown shows it, without the `#`s. */
  readonly markdown: string;
  /** The headings it sits under, outermost first. */
  readonly path: readonly Candidate[];
}

function candidates(storage: string, root: SourceElement): Candidate[] {
  const found: Candidate[] = [];
  const open: Candidate[] = [];
  for (const element of headings(root)) {
    const level = headingLevel(element) ?? 1;
    while ((open[open.length - 1]?.level ?? 0) >= level) open.pop();
    const markdown = storageToMarkdown(storage.slice(element.start, element.end)).replace(/^#{1,6}\s*/, '');
    const candidate = { element, level, markdown: markdown || describedText(element), path: [...open] };
    found.push(candidate);
    open.push(candidate);
  }
  return found;
}

// Longer heading text is compared by its start only, which keeps normalizing it linear in practice.
const MAX_COMPARED = 2000;

/** The candidates matching one heading text: exactly (normalized) if any does, else with symbols left out. */
function matching(list: readonly Candidate[], text: string): Candidate[] {
  const wanted = normalize(text.slice(0, MAX_COMPARED));
  const exact = list.filter(
    (candidate) =>
      normalize(candidate.markdown.slice(0, MAX_COMPARED)) === wanted ||
      normalize(describedText(candidate.element).slice(0, MAX_COMPARED)) === wanted,
  );
  const loose = bare(text.slice(0, MAX_COMPARED));
  if (exact.length > 0 || loose === '') return exact;
  return list.filter((candidate) => bare(candidate.markdown.slice(0, MAX_COMPARED)) === loose);
}

/** True when the path's headings appear, in order, among the candidate's parent headings. */
function under(candidate: Candidate, parents: readonly string[]): boolean {
  let index = 0;
  for (const parent of parents) {
    const rest = candidate.path.slice(index);
    const found = rest.findIndex((ancestor) => matching([ancestor], parent).length > 0);
    if (found === -1) return false;
    index += found + 1;
  }
  return true;
}

function pathOf(candidate: Candidate): string {
  return [...candidate.path, candidate].map((heading) => heading.markdown).join(' > ');
}

/** What is asked for: a heading's text, or a path of headings `Parent > Child`, and which of several matches. */
export interface SectionQuery {
  readonly heading: string;
  /** 1 for the first heading that matches, 2 for the second, ...; needed when several match. */
  readonly occurrence?: number;
}

/** The section asked for, or a message saying which headings there are or which of several to choose. */
export type SectionLookup = { readonly section: SectionRange } | { readonly error: string };

function rangeOf(element: SourceElement, storage: string): SectionRange {
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

const MAX_LISTED = 40;

/**
 * Finds a section by its heading as the model sees it: the heading's text as written on the page or as the
 * Markdown shows it (`**Impact**`, `✅ Done`), compared as {@link normalize} does, falling back to letters and
 * digits only. `Parent > Child` names a heading under others (any depth between). When several headings match,
 * `occurrence` picks one (1-based); without it the lookup fails with a message listing each match and its path.
 * `root` is the storage already parsed (parseStorage), for a caller that parses it once for several uses.
 */
export function locateSection(
  storage: string,
  query: SectionQuery,
  root: SourceElement = parseStorage(storage),
): SectionLookup {
  const all = candidates(storage, root);
  const heading = query.heading;
  let found = matching(all, heading);
  if (found.length === 0 && heading.includes('>')) {
    const parts = heading
      .split(/\s+>\s+|>/)
      .map((part) => part.trim())
      .filter(Boolean);
    const last = parts.pop();
    if (last !== undefined && parts.length > 0) {
      found = matching(all, last).filter((candidate) => under(candidate, parts));
    }
  }
  if (found.length === 0) {
    const known = all.slice(0, MAX_LISTED).map((candidate) => `"${candidate.markdown}"`);
    return {
      error:
        known.length === 0
          ? `No heading "${heading}": the page has no headings.`
          : `No heading "${heading}". The page's headings are: ${known.join(', ')}${all.length > MAX_LISTED ? ', …' : ''}.`,
    };
  }
  const occurrence = query.occurrence;
  if (occurrence !== undefined) {
    const chosen = found[occurrence - 1];
    if (chosen === undefined) {
      return {
        error: `There ${found.length === 1 ? 'is 1 heading' : `are ${found.length} headings`} "${heading}", so no occurrence ${occurrence}.`,
      };
    }
    return { section: rangeOf(chosen.element, storage) };
  }
  const [only] = found;
  if (found.length === 1 && only !== undefined) return { section: rangeOf(only.element, storage) };
  const listed = found
    .slice(0, MAX_LISTED)
    .map((candidate, index) => `${index + 1}. "${pathOf(candidate)}" (h${candidate.level})`);
  return {
    error:
      `${found.length} headings match "${heading}": ${listed.join('; ')}. Pass occurrence (1 to ${found.length}) ` +
      'or the heading as a path of parent headings, such as "Parent > Heading".',
  };
}

/**
 * The section under `heading`, found as {@link locateSection} does; when several headings match, the one
 * `occurrence` names, else the first. Undefined when none matches.
 */
export function findSection(storage: string, heading: string, occurrence?: number): SectionRange | undefined {
  const found = locateSection(storage, { heading, occurrence: occurrence ?? 1 });
  return 'section' in found ? found.section : undefined;
}

/** The new storage, or why the section could not be changed. */
export type ReplaceSectionResult = { readonly storage: string } | { readonly error: string };

/**
 * Replaces the body of the section under `heading` with `newStorageFragment`, or appends the fragment to it, leaving
 * every other byte of the storage as it was: the change is spliced in at source offsets, nothing is re-serialized.
 * Several matching headings are an error unless `occurrence` says which (see {@link locateSection}).
 */
export function replaceSection(
  storage: string,
  heading: string,
  newStorageFragment: string,
  mode: 'replace' | 'append',
  occurrence?: number,
): ReplaceSectionResult {
  const problem = storageProblem(newStorageFragment);
  if (problem !== undefined) return { error: `The new content is not valid storage format: ${problem}.` };
  const found = locateSection(storage, { heading, occurrence });
  if ('error' in found) return found;
  const section = found.section;
  const at = mode === 'replace' ? section.bodyStart : section.bodyEnd;
  return { storage: storage.slice(0, at) + newStorageFragment + storage.slice(section.bodyEnd) };
}
