import { convertMarkdown } from '../markdown-to-storage.js';
import { parseMarkdownWithReferences } from '../storage/markdown-parser.js';
import {
  type ApplyOptions,
  type ApplyResult,
  applyEditedMarkdown,
  displayFormRefusal,
  finishEdit,
  nextTaskId,
  placeholderProblems,
} from './apply.js';
import { type EditableDocument, editableDocument, type TopLevelGroup } from './editable.js';

/**
 * Saving editable Markdown by splicing blocks.
 *
 * The block map is RE-DERIVED from the current storage at save time, never kept between the read and the save:
 * the editable Markdown of a storage document is a pure function of it, so converting the current version again
 * gives the same Markdown the model read, and which storage bytes each top-level block came from (the renderer
 * reports each top-level group of nodes as it writes it, with offsets mapped through the placeholders). Nothing
 * needs to be stored, any server of a fleet can take the save, and nothing invisible has to survive in the
 * Markdown a model edits. When the page changed in between, `expected_version` is what catches it.
 *
 * Both Markdown texts are cut into top-level blocks by the same parser the save uses, and the blocks compared as
 * text (mention names aside: the read names mentioned users, the save cannot look them up again, and storage
 * holds only the account id). Blocks are matched by a longest common subsequence after the common head and
 * tail, then blocks moved elsewhere by their text; a group of storage whose blocks all come back, consecutive and
 * unchanged, is written back byte for byte with the whitespace before it. Every other run of blocks is converted
 * from its Markdown alone, and storage that wrote no Markdown (blank text, empty paragraphs) stays with the block
 * after it. Placeholders are checked over the whole result as {@link applyEditedMarkdown} checks them.
 */

/** A top-level block of Markdown: where its text is, and the text compared. */
interface MarkdownBlock {
  readonly start: number;
  readonly end: number;
  readonly key: string;
}

/** Storage written back whole when all its Markdown blocks come back unchanged. */
interface Atom {
  readonly start: number;
  readonly end: number;
  /** Indices of its blocks in the original's block list. */
  readonly first: number;
  readonly count: number;
  readonly keepIds: readonly string[];
}

const MENTION_NAME = /\[@(?:\\.|[^\]\\\n])*\]\(confluence-user:/g;

function blockKey(text: string): string {
  return text.replace(MENTION_NAME, '[@](confluence-user:');
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1))
    starts.push(index + 1);
  return starts;
}

/**
 * Top-level blocks of `markdown` between `from` and `to` (block boundaries), or undefined when its blocks cannot
 * be converted one run at a time.
 */
function markdownBlocks(markdown: string, from: number, to: number): MarkdownBlock[] | undefined {
  const text = markdown.slice(from, to);
  const { tokens, references } = parseMarkdownWithReferences(text);
  if (references) return undefined;
  const starts = lineStarts(text);
  const blocks: MarkdownBlock[] = [];
  let covered = 0;
  for (const token of tokens) {
    if (token.level !== 0 || token.nesting < 0 || token.map === null) continue;
    const [first, last] = token.map;
    const start = starts[first] ?? text.length;
    let end = last < starts.length ? (starts[last] as number) - 1 : text.length;
    while (end > start && /\s/.test(text.charAt(end - 1)) && text.charAt(end - 1) !== '\u00a0') end--;
    // Anything but blank lines between blocks is something the parser took apart from them.
    if (text.slice(covered, start).trim() !== '') return undefined;
    blocks.push({ start: from + start, end: from + end, key: blockKey(text.slice(start, end)) });
    covered = Math.max(covered, end);
  }
  if (text.slice(covered).trim() !== '') return undefined;
  return blocks;
}

/** Where the Markdown of a group is in the original, blank lines trimmed. */
interface GroupSpan {
  readonly group: TopLevelGroup;
  readonly from: number;
  readonly to: number;
}

/** The groups that wrote Markdown, with where it is. */
function groupSpans(document: EditableDocument): GroupSpan[] {
  const lineOffsets: number[] = [];
  let offset = 0;
  for (const line of document.lines) {
    lineOffsets.push(offset);
    offset += line.length + 1;
  }
  const spans: GroupSpan[] = [];
  for (const group of document.groups) {
    let firstLine = group.firstLine;
    let endLine = group.endLine;
    while (firstLine < endLine && (document.lines[firstLine] ?? '').trim() === '') firstLine++;
    while (endLine > firstLine && (document.lines[endLine - 1] ?? '').trim() === '') endLine--;
    if (firstLine === endLine) continue;
    const from = lineOffsets[firstLine] as number;
    spans.push({
      group,
      from,
      to: (lineOffsets[endLine - 1] as number) + (document.lines[endLine - 1] as string).length,
    });
  }
  return spans;
}

/**
 * The blocks of both texts. Only the stretch that differs, from one group before to one group after, is parsed:
 * outside it the texts are the same, and each group stands as one block (parsing a megabyte of Markdown costs
 * seconds, most of a save).
 */
function blocksOfBoth(
  spans: readonly GroupSpan[],
  original: string,
  edited: string,
): { original: MarkdownBlock[]; edited: MarkdownBlock[] } | undefined {
  const shortest = Math.min(original.length, edited.length);
  let prefix = 0;
  while (prefix < shortest && original.charCodeAt(prefix) === edited.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (
    suffix < shortest - prefix &&
    original.charCodeAt(original.length - 1 - suffix) === edited.charCodeAt(edited.length - 1 - suffix)
  ) {
    suffix++;
  }
  let first = spans.findIndex((span) => span.to >= prefix);
  if (first === -1) first = spans.length;
  first = Math.max(0, first - 1);
  let last = spans.length - 1;
  while (last >= 0 && (spans[last] as GroupSpan).from > original.length - suffix) last--;
  last = Math.min(spans.length - 1, last + 1);
  const from = first === 0 || first >= spans.length ? 0 : (spans[first] as GroupSpan).from;
  const to = last >= spans.length - 1 || last < first ? original.length : (spans[last] as GroupSpan).to;
  const shift = edited.length - original.length;
  const whole = (span: GroupSpan, by: number): MarkdownBlock => ({
    start: span.from + by,
    end: span.to + by,
    key: blockKey(original.slice(span.from, span.to)),
  });
  const before = spans.slice(0, from === 0 ? 0 : first);
  const after = to === original.length ? [] : spans.slice(last + 1);
  const originalMiddle = markdownBlocks(original, from, to);
  const editedMiddle = markdownBlocks(edited, from, to + shift);
  if (originalMiddle === undefined || editedMiddle === undefined) return undefined;
  return {
    original: [
      ...before.map((span) => whole(span, 0)),
      ...originalMiddle,
      ...after.map((span) => whole(span, 0)),
    ],
    edited: [
      ...before.map((span) => whole(span, 0)),
      ...editedMiddle,
      ...after.map((span) => whole(span, shift)),
    ],
  };
}

/** Groups the original's blocks into atoms: storage groups and Markdown blocks that overlap belong together. */
function atomsOf(spans: readonly GroupSpan[], blocks: readonly MarkdownBlock[]): Atom[] | undefined {
  const atoms: Atom[] = [];
  let blockIndex = 0;
  let current: { start: number; end: number; first: number; count: number; to: number; keepIds: string[] } = {
    start: 0,
    end: 0,
    first: 0,
    count: 0,
    to: -1,
    keepIds: [],
  };
  const flush = (): void => {
    if (current.count > 0) atoms.push(current);
  };
  for (const { group, from, to } of spans) {
    if (from >= current.to) {
      flush();
      current = { start: group.start, end: group.end, first: blockIndex, count: 0, to, keepIds: [] };
    }
    current.end = group.end;
    current.to = Math.max(current.to, to);
    current.keepIds.push(...group.keepIds);
    // Every block starting before the group's end belongs with it, and may reach further on.
    for (
      let block = blocks[blockIndex];
      block !== undefined && block.start < to;
      block = blocks[++blockIndex]
    ) {
      current.count++;
      current.to = Math.max(current.to, block.end);
    }
  }
  flush();
  // Each block must belong to an atom; otherwise the map is not trustworthy and the save converts everything.
  return blockIndex === blocks.length ? atoms : undefined;
}

/** Pairs of indices (original, edited) of a longest common subsequence of keys. */
function commonBlocks(original: readonly string[], edited: readonly string[]): Map<number, number> {
  const pairs = new Map<number, number>();
  let head = 0;
  while (head < original.length && head < edited.length && original[head] === edited[head]) {
    pairs.set(head, head);
    head++;
  }
  let tail = 0;
  while (
    tail < original.length - head &&
    tail < edited.length - head &&
    original[original.length - 1 - tail] === edited[edited.length - 1 - tail]
  ) {
    pairs.set(original.length - 1 - tail, edited.length - 1 - tail);
    tail++;
  }
  const rows = original.length - head - tail;
  const columns = edited.length - head - tail;
  // Past this the middle is left to matching by text alone (linear), which finds the same blocks in practice.
  if (rows === 0 || columns === 0 || rows * columns > 4_000_000) return pairs;
  const width = columns + 1;
  const table = new Uint32Array((rows + 1) * width);
  for (let row = rows - 1; row >= 0; row--) {
    for (let column = columns - 1; column >= 0; column--) {
      table[row * width + column] =
        original[head + row] === edited[head + column]
          ? (table[(row + 1) * width + column + 1] as number) + 1
          : Math.max(table[(row + 1) * width + column] as number, table[row * width + column + 1] as number);
    }
  }
  for (let row = 0, column = 0; row < rows && column < columns; ) {
    if (original[head + row] === edited[head + column]) {
      pairs.set(head + row, head + column);
      row++;
      column++;
    } else if ((table[(row + 1) * width + column] as number) >= (table[row * width + column + 1] as number)) {
      row++;
    } else {
      column++;
    }
  }
  return pairs;
}

/** Which atom claims each edited block (-1: none, the block is converted from Markdown). */
function claim(atoms: readonly Atom[], original: readonly string[], edited: readonly string[]): Int32Array {
  const owner = new Int32Array(edited.length).fill(-1);
  const pairs = commonBlocks(original, edited);
  const placed = new Uint8Array(atoms.length);
  atoms.forEach((atom, index) => {
    const at = pairs.get(atom.first);
    if (at === undefined) return;
    for (let step = 1; step < atom.count; step++) if (pairs.get(atom.first + step) !== at + step) return;
    owner.fill(index, at, at + atom.count);
    placed[index] = 1;
  });
  // Blocks moved elsewhere: an atom not yet placed takes the first unclaimed run of its blocks.
  const where = new Map<string, number[]>();
  edited.forEach((key, index) => {
    if (owner[index] !== -1) return;
    const list = where.get(key);
    if (list === undefined) where.set(key, [index]);
    else list.push(index);
  });
  atoms.forEach((atom, index) => {
    if (placed[index] === 1) return;
    const candidates = where.get(original[atom.first] as string) ?? [];
    for (const at of candidates) {
      let fits = at + atom.count <= edited.length;
      for (let step = 0; fits && step < atom.count; step++) {
        fits = owner[at + step] === -1 && edited[at + step] === original[atom.first + step];
      }
      if (!fits) continue;
      owner.fill(index, at, at + atom.count);
      placed[index] = 1;
      return;
    }
  });
  return owner;
}

/**
 * The storage for editable Markdown edited from `currentStorage`: blocks that come back unchanged keep their
 * storage byte for byte, the others are converted from Markdown (see the module comment). Refuses as
 * {@link applyEditedMarkdown} does. An unedited Markdown gives back `currentStorage` itself.
 */
export function spliceEditedMarkdown(
  currentStorage: string,
  markdown: string,
  options: ApplyOptions = {},
): ApplyResult {
  const display = displayFormRefusal(markdown);
  if (display !== undefined) return display;
  const document = editableDocument(currentStorage);
  if (markdown === document.markdown) return { storage: currentStorage };
  const spans = groupSpans(document);
  const both = blocksOfBoth(spans, document.markdown, markdown);
  const atoms = both && atomsOf(spans, both.original);
  if (both === undefined || atoms === undefined)
    return applyEditedMarkdown(markdown, document.preserved, { previous: currentStorage, ...options });
  const { original: originalBlocks, edited: editedBlocks } = both;
  const original = originalBlocks.map((block) => block.key);
  const edited = editedBlocks.map((block) => block.key);
  const owner = claim(atoms, original, edited);
  const used = new Uint8Array(atoms.length);
  for (const index of owner) if (index !== -1) used[index] = 1;
  const gapBefore = (index: number): string =>
    currentStorage.slice(index === 0 ? 0 : (atoms[index - 1] as Atom).end, (atoms[index] as Atom).start);
  const pieces: string[] = [];
  const keptIds: string[] = [];
  const unresolved: string[] = [];
  let taskId = nextTaskId([currentStorage]);
  let lastAtom = -1;
  for (let index = 0; index < edited.length; ) {
    const atomIndex = owner[index] as number;
    if (atomIndex !== -1) {
      const atom = atoms[atomIndex] as Atom;
      pieces.push(gapBefore(atomIndex), currentStorage.slice(atom.start, atom.end));
      keptIds.push(...atom.keepIds);
      lastAtom = atomIndex;
      index += atom.count;
      continue;
    }
    let end = index;
    while (end < edited.length && owner[end] === -1) end++;
    const text = markdown.slice(
      (editedBlocks[index] as MarkdownBlock).start,
      (editedBlocks[end - 1] as MarkdownBlock).end,
    );
    const conversion = convertMarkdown(text, {
      preserved: document.preserved,
      firstTaskId: taskId,
      previous: options.previous ?? currentStorage,
    });
    taskId = nextTaskId([conversion.storage], taskId);
    keptIds.push(...conversion.keptIds);
    unresolved.push(...conversion.unresolvedKeeps);
    // The whitespace before the first block this run replaces stays before it.
    const replaced = lastAtom + 1;
    if (replaced < atoms.length && used[replaced] === 0) {
      pieces.push(gapBefore(replaced));
      used[replaced] = 1;
    }
    pieces.push(conversion.storage);
    index = end;
  }
  const last = atoms[atoms.length - 1];
  pieces.push(currentStorage.slice(last === undefined ? 0 : last.end));
  const problems = placeholderProblems(document.preserved, keptIds, unresolved, options);
  return finishEdit(pieces.join(''), problems);
}
