import { markdownToStorage, storageProblem } from '../markdown-to-storage.js';
import { parseStorage } from '../parse.js';
import { preservationCheck } from '../preservation.js';
import { locateSection } from '../sections.js';

/** One section edit, as plain data: the page's storage, which section, and its new content. */
export interface SectionEdit {
  readonly storage: string;
  /** The heading as the page or its Markdown shows it, or a path of headings `Parent > Heading`. */
  readonly heading: string;
  /** Which of several matching headings, 1-based. */
  readonly occurrence?: number | undefined;
  /** The new content of the section (or the content to append), in `bodyFormat`. */
  readonly body: string;
  readonly bodyFormat: 'markdown' | 'storage';
  readonly mode: 'replace' | 'append';
}

/**
 * What a section edit came to, as plain data: the new storage and the section's heading; or `invalid`, a message
 * saying why the heading, occurrence or content does not name or fit one section (bad input); or `kept`, what the
 * section holds that Markdown cannot express and replacing it in Markdown would delete (a refusal).
 */
export type SectionEditResult =
  | { readonly storage: string; readonly section: string }
  | { readonly invalid: string }
  | { readonly section: string; readonly kept: readonly string[] };

/**
 * Finds the section, checks that a Markdown replacement would delete nothing Markdown cannot carry, converts the
 * Markdown and splices it in, leaving every other byte as it was (as replaceSection in sections.ts does): every
 * step that grows with the page or with the Markdown, in one pure function the conversion pool can run off the
 * event loop for large pages.
 */
export function editSection(edit: SectionEdit): SectionEditResult {
  const { storage, heading, occurrence, body, bodyFormat, mode } = edit;
  // One parse of the page (on a 4 MB page, about a third of the job) serves the lookup and the check.
  const root = parseStorage(storage);
  const located = locateSection(storage, { heading, occurrence }, root);
  if ('error' in located) return { invalid: located.error };
  const range = located.section;
  if (mode === 'replace' && bodyFormat === 'markdown') {
    const kept = preservationCheck(storage, root).lossy.filter(
      (c) => c.handling === 'kept' && c.start >= range.bodyStart && c.end <= range.bodyEnd,
    );
    if (kept.length) return { section: range.text, kept: kept.map((c) => c.description) };
  }
  const fragment = bodyFormat === 'markdown' ? markdownToStorage(body) : body;
  // As replaceSection does, without finding the section a second time (a parse of the whole page).
  const problem = storageProblem(fragment);
  if (problem !== undefined) return { invalid: `The new content is not valid storage format: ${problem}.` };
  const at = mode === 'replace' ? range.bodyStart : range.bodyEnd;
  return { storage: storage.slice(0, at) + fragment + storage.slice(range.bodyEnd), section: range.text };
}
