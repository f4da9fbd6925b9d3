import { KEEP_BLOCK_ELEMENT, KEEP_INLINE_ELEMENT } from '../keep.js';
import { markdownContext, renderBlocks } from '../markdown/blocks.js';
import { MarkdownWriter } from '../markdown/writer.js';
import type { StorageToMarkdownOptions } from '../options.js';
import { parseStorage, type SourceElement, type SourceNode } from '../parse.js';
import { attributes } from '../storage/xhtml.js';
import { type Detection, detect, type KeepRange, type LossyConstruct } from './detect.js';

/**
 * One top-level group of the storage as the editable Markdown writes it: a block element, or a run of inline
 * nodes written as a paragraph. Offsets are in the ORIGINAL storage (placeholders expanded back to what they
 * stand for), lines index {@link EditableDocument.lines}.
 */
export interface TopLevelGroup {
  readonly start: number;
  readonly end: number;
  /** First and one-past-last writer line of the group's Markdown; equal when it wrote nothing. */
  readonly firstLine: number;
  readonly endLine: number;
  /** Ids of the placeholders inside the group. */
  readonly keepIds: readonly string[];
}

/** Everything the editable form of a storage document is made of, for reading and for splicing a save. */
export interface EditableDocument {
  readonly markdown: string;
  /** The writer's lines; `markdown` is them joined by newlines. */
  readonly lines: readonly string[];
  readonly preserved: Map<string, string>;
  readonly constructs: readonly LossyConstruct[];
  /** The top-level groups in document order. */
  readonly groups: readonly TopLevelGroup[];
}

interface Prepared extends EditableDocument {
  readonly missing: KeepRange[];
}

/** Maps offsets of the storage with placeholders back to the original storage, for ascending queries. */
function offsetMapper(spans: readonly { at: number; delta: number }[]): (offset: number) => number {
  let index = 0;
  let delta = 0;
  return (offset) => {
    for (let span = spans[index]; span !== undefined && span.at <= offset; span = spans[++index]) {
      delta += span.delta;
    }
    return offset + delta;
  };
}

function keepIds(nodes: readonly SourceNode[], into: string[]): string[] {
  for (const node of nodes) {
    if (node.type !== 'element') continue;
    if (node.name === KEEP_BLOCK_ELEMENT || node.name === KEEP_INLINE_ELEMENT) into.push(node.attrs.id ?? '');
    else keepIds(node.children, into);
  }
  return into;
}

function isBlank(node: SourceNode): boolean {
  return node.type === 'text' && node.text.trim() === '';
}

function prepare(storage: string, detection: Detection, options: StorageToMarkdownOptions): Prepared {
  const preserved = new Map<string, string>();
  const pieces: string[] = [];
  // Where, in the storage with placeholders, each placeholder element ends and how much shorter it is.
  const spans: { at: number; delta: number }[] = [];
  let length = 0;
  let cursor = 0;
  detection.keeps.forEach((keep, index) => {
    const id = String(index + 1);
    preserved.set(id, storage.slice(keep.start, keep.end));
    const name = keep.inline ? KEEP_INLINE_ELEMENT : KEEP_BLOCK_ELEMENT;
    const before = storage.slice(cursor, keep.start);
    const element = `<${name}${attributes({ id, label: keep.label })} />`;
    pieces.push(before, element);
    length += before.length + element.length;
    spans.push({ at: length, delta: keep.end - keep.start - element.length });
    cursor = keep.end;
  });
  pieces.push(storage.slice(cursor));
  const root = parseStorage(pieces.join(''));
  const writer = new MarkdownWriter();
  const original = offsetMapper(spans);
  const groups: TopLevelGroup[] = [];
  let firstLine = 0;
  renderBlocks(
    root.children,
    markdownContext({ options, inListItem: false, editable: true }),
    writer,
    (group) => {
      const endLine = writer.written.length;
      let first = 0;
      let last = group.length - 1;
      while (first < last && isBlank(group[first] as SourceNode)) first++;
      while (last > first && isBlank(group[last] as SourceNode)) last--;
      const start = (group[first] as SourceNode).start;
      const end = (group[last] as SourceNode).end;
      groups.push({
        start: original(start),
        end: original(end),
        firstLine,
        endLine,
        keepIds: keepIds(group, []),
      });
      firstLine = endLine;
    },
  );
  const markdown = writer.toString();
  const seen = new Set<string>();
  for (const match of markdown.matchAll(/<!--\s*confluence-keep(?:-inline)?\s+(\d+)/g))
    seen.add(match[1] ?? '');
  const missing = detection.keeps.filter((_, index) => !seen.has(String(index + 1)));
  return {
    markdown,
    lines: writer.written,
    preserved,
    constructs: detection.constructs,
    groups,
    missing,
  };
}

/**
 * The editable form of `storage` (see `preservation.ts`) with the map of its top-level groups: which storage
 * bytes each group of Markdown lines came from.
 */
export function editableDocument(storage: string, options: StorageToMarkdownOptions = {}): EditableDocument {
  const root = parseStorage(storage);
  const forceWhole = new Set<SourceElement>();
  for (let round = 0; ; round++) {
    const detection = detect(root, storage, forceWhole);
    const prepared = prepare(storage, detection, options);
    if (prepared.missing.length === 0 || round === 8) {
      const { missing: _, ...document } = prepared;
      return document;
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
