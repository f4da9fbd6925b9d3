import { childElements } from '../dom.js';
import { convertMarkdown } from '../markdown-to-storage.js';
import { parseStorage } from '../parse.js';
import { storageProblem } from '../storage/well-formed.js';
import { classify } from './lossy.js';

/** Options of {@link applyEditedMarkdown}. */
export interface ApplyOptions {
  /** Ids of placeholders the edit deliberately removes, with the constructs they stand for. */
  readonly removed?: readonly string[];
  /** The storage the Markdown was read from: see `MarkdownToStorageOptions.previous`. */
  readonly previous?: string;
}

/** The storage to save, or why the edit was refused (a message for the model, naming what to fix). */
export type ApplyResult = { readonly storage: string } | { readonly refused: string };

/** A short description of a preserved fragment, for refusal messages. */
export function describeFragment(fragment: string): string {
  const trimmed = fragment.trim();
  const element = childElements(parseStorage(trimmed))[0];
  if (element !== undefined && element.start === 0) {
    const found = classify(element);
    const closed = element.end >= trimmed.length;
    if (found !== undefined) return closed ? found.description : `start of ${found.description}`;
  }
  const closing = /^<\/([\w:-]+)/.exec(trimmed)?.[1];
  if (closing !== undefined) return `end of ${closing.replace(/^ac:/, '').replace(/-/g, ' ')}`;
  return 'Confluence content';
}

function list(ids: readonly string[], preserved: ReadonlyMap<string, string>): string {
  return ids.map((id) => `${id} (${describeFragment(preserved.get(id) ?? '')})`).join(', ');
}

// The read-only form storageToMarkdown gives macros it cannot show; never in editable Markdown.
const DISPLAY_PLACEHOLDER = /(?:^|[^\\])\[Confluence macro: /;

/**
 * Converts Markdown edited from {@link storageToEditableMarkdown} back to storage, splicing each preserved fragment
 * in where its placeholder is. Refuses (never silently drops) when a placeholder is missing and not listed in
 * `removed`, duplicated, unknown or damaged, when the Markdown holds the read-only `[Confluence macro: …]` form,
 * or when the result would not be well-formed.
 */
export function applyEditedMarkdown(
  markdown: string,
  preserved: ReadonlyMap<string, string>,
  options: ApplyOptions = {},
): ApplyResult {
  const display = displayFormRefusal(markdown);
  if (display !== undefined) return display;
  const conversion = convertMarkdown(markdown, {
    preserved,
    firstTaskId: nextTaskId(preserved.values()),
    previous: options.previous,
  });
  const problems = placeholderProblems(preserved, conversion.keptIds, conversion.unresolvedKeeps, options);
  return finishEdit(conversion.storage, problems);
}

/** The task id after every `<ac:task-id>` in `fragments`, so new tasks never reuse one. */
export function nextTaskId(fragments: Iterable<string>, from = 1): number {
  let next = from;
  for (const fragment of fragments) {
    for (const match of fragment.matchAll(/<ac:task-id>\s*(\d+)\s*<\/ac:task-id>/g)) {
      next = Math.max(next, Number(match[1]) + 1);
    }
  }
  return next;
}

/** Refusal when `markdown` holds the read-only form of macros, which no edit may be based on. */
export function displayFormRefusal(markdown: string): ApplyResult | undefined {
  if (!DISPLAY_PLACEHOLDER.test(markdown)) return undefined;
  return {
    refused:
      'The Markdown holds "[Confluence macro: …]" text, the read-only form of macros Markdown cannot express. ' +
      'Read the page for editing (placeholders like <!-- confluence-keep 3: … -->) and edit that Markdown.',
  };
}

/** What is wrong with the placeholders an edit kept (`keptIds`, in any order) against those it was given. */
export function placeholderProblems(
  preserved: ReadonlyMap<string, string>,
  keptIds: readonly string[],
  unresolvedKeeps: readonly string[],
  options: ApplyOptions,
): string[] {
  const removed = new Set(options.removed ?? []);
  const counts = new Map<string, number>();
  for (const id of keptIds) counts.set(id, (counts.get(id) ?? 0) + 1);
  const missing = [...preserved.keys()].filter((id) => !counts.has(id) && !removed.has(id));
  const repeated = [...counts].filter(([, count]) => count > 1).map(([id]) => id);
  const problems: string[] = [];
  if (missing.length > 0) {
    problems.push(
      `these placeholders are missing: ${list(missing, preserved)}. Put each "confluence-keep" comment back ` +
        'where it was, or list its id in removed to delete what it stands for',
    );
  }
  if (repeated.length > 0)
    problems.push(`these placeholders appear more than once: ${list(repeated, preserved)}`);
  if (unresolvedKeeps.length > 0) {
    const shown = unresolvedKeeps.slice(0, 5).map((text) => `"${text.slice(0, 60)}"`);
    problems.push(
      `these placeholders are damaged or unknown: ${shown.join(', ')}; copy them exactly as given`,
    );
  }
  return problems;
}

/** The storage to save when there are no problems and it is well-formed, else the refusal naming them. */
export function finishEdit(storage: string, problems: string[]): ApplyResult {
  if (problems.length === 0) {
    const problem = storageProblem(storage);
    if (problem === undefined) return { storage };
    problems.push(
      `the placeholders no longer pair up (${problem}): keep each start and end placeholder of a layout, panel ` +
        'or inline comment in order, and an inline comment start and end in the same paragraph',
    );
  }
  return { refused: `Not saved, so no Confluence content is lost: ${problems.join('; ')}.` };
}
