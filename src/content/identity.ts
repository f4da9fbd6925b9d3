import { attr } from './dom.js';
import { EMOTICON_EMOJI, emoticonText } from './emoticons.js';
import { parseStorage, type SourceElement, type SourceNode } from './parse.js';
import { attributes } from './storage/xhtml.js';

/**
 * What Markdown cannot say about an element that is still there after an edit, carried over from the storage the
 * Markdown was read from into the storage generated from it.
 *
 * Re-generating a block from Markdown gives its macros, tables and emoticons back without what Markdown has no
 * words for: `ac:macro-id`, `ac:local-id`, `data-layout` and the like, a status lozenge's exact parameters, an
 * emoticon's colour, `ac:emoji-id` and fallback, a mention's `ri:userkey`. And an emoji that was typed as text
 * comes back as an emoticon element. {@link carryIdentity} pairs the elements of the new storage with those of the
 * previous one, in document order, by what the Markdown shows of them (macro name, status title and colour, the
 * emoji, the user), and for each pair:
 * - an emoticon, or an emoji that was an emoticon, becomes the previous emoticon byte for byte; an emoji that was
 *   text stays text;
 * - a status macro with the same title and colour becomes the previous one byte for byte;
 * - another macro or a table gets back every attribute it lacks, and its previous `data-layout` (its body stays
 *   as generated);
 * - a mention of the same user gets back the previous user reference (`ri:userkey`, `ri:username`).
 * Elements with no counterpart are left as generated. The result is the same storage with only those changes,
 * well-formed whenever both inputs are.
 */

interface Edit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** An element or a piece of text that can be paired with its counterpart. */
interface Item {
  readonly key: string;
  readonly start: number;
  readonly end: number;
  readonly element?: SourceElement;
}

const MACROS = new Set(['ac:structured-macro', 'ac:macro']);

function parameter(macro: SourceElement, name: string): string {
  for (const node of macro.children) {
    if (node.type === 'element' && node.name === 'ac:parameter' && attr(node, 'ac:name') === name) {
      return node.children
        .map((text) => (text.type === 'text' ? text.text : ''))
        .join('')
        .trim();
    }
  }
  return '';
}

function withoutSelector(emoji: string): string {
  return emoji.replace(/\ufe0f/g, '');
}

function userId(user: SourceElement): string | undefined {
  return attr(user, 'ri:account-id') ?? attr(user, 'ri:userkey') ?? attr(user, 'ri:username');
}

/** The key an element is paired by, or undefined for elements that are not paired. */
function elementKey(element: SourceElement): string | undefined {
  if (MACROS.has(element.name)) {
    const name = (attr(element, 'ac:name') ?? '').trim().toLowerCase();
    if (name === 'status') {
      const colour = parameter(element, 'colour') || parameter(element, 'color');
      return `status|${parameter(element, 'title').toLowerCase()}|${colour.toLowerCase()}`;
    }
    return `macro|${name}`;
  }
  if (element.name === 'table') return 'table';
  if (element.name === 'ri:user' && element.parent?.name === 'ac:link')
    return `user|${userId(element) ?? ''}`;
  return undefined;
}

interface Collected {
  readonly elements: Item[];
  readonly emoji: Item[];
}

function collect(storage: string, root: SourceElement, glyphs: RegExp | undefined): Collected {
  const elements: Item[] = [];
  const emoji: Item[] = [];
  const visit = (nodes: readonly SourceNode[]): void => {
    for (const node of nodes) {
      if (node.type === 'text') {
        if (glyphs === undefined || node.end <= node.start) continue;
        const raw = storage.slice(node.start, node.end);
        for (const match of raw.matchAll(glyphs)) {
          const start = node.start + match.index;
          emoji.push({ key: withoutSelector(match[0]), start, end: start + match[0].length });
        }
        continue;
      }
      if (node.name === 'ac:emoticon') {
        emoji.push({
          key: withoutSelector(emoticonText(node)),
          start: node.start,
          end: node.end,
          element: node,
        });
        continue;
      }
      const key = elementKey(node);
      if (key !== undefined) elements.push({ key, start: node.start, end: node.end, element: node });
      // Code and CDATA bodies hold no elements; other content is visited for nested macros and emoji.
      if (node.name !== 'ac:plain-text-body') visit(node.children);
    }
  };
  visit(root.children);
  return { elements, emoji };
}

/** Pairs items of `next` with items of `previous` of the same key, in order, each used at most once. */
function pair(previous: readonly Item[], next: readonly Item[]): [Item, Item][] {
  const queues = new Map<string, number[]>();
  previous.forEach((item, index) => {
    const queue = queues.get(item.key);
    if (queue === undefined) queues.set(item.key, [index]);
    else queue.push(index);
  });
  const pairs: [Item, Item][] = [];
  let last = -1;
  for (const item of next) {
    const queue = queues.get(item.key);
    if (queue === undefined) continue;
    while (queue.length > 0 && (queue[0] ?? 0) <= last) queue.shift();
    const index = queue.shift();
    const found = index === undefined ? undefined : previous[index];
    if (index === undefined || found === undefined) continue;
    pairs.push([found, item]);
    last = index;
  }
  return pairs;
}

function glyphPattern(glyphs: ReadonlySet<string>): RegExp {
  const alternatives = [...glyphs]
    .filter((glyph) => glyph !== '' && !/^[\w\s:.-]*$/.test(glyph))
    .sort((a, b) => b.length - a.length)
    .map((glyph) =>
      [...glyph].map((char) => `${char.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')}\\ufe0f?`).join(''),
    );
  const standard = EMOTICON_EMOJI.source;
  return new RegExp(alternatives.length > 0 ? `(?:${alternatives.join('|')})|${standard}` : standard, 'gu');
}

// Attributes Markdown to storage writes with a default value, which the previous element's value replaces.
const DEFAULTED = new Set(['data-layout', 'ac:schema-version']);

/**
 * The opening tag of `to` with the attributes of `from` it lacks added (and defaulted ones taken from `from`), or
 * undefined when nothing changes. Generated tags are plain `<name a="v">`, so rewriting one loses nothing.
 */
function carriedTag(from: SourceElement, to: SourceElement, source: string): string | undefined {
  const merged: Record<string, string> = { ...to.attrs };
  let changed = false;
  for (const [name, value] of Object.entries(from.attrs)) {
    if (Object.hasOwn(to.attrs, name) && !(DEFAULTED.has(name) && to.attrs[name] !== value)) continue;
    merged[name] = value;
    changed = true;
  }
  if (!changed) return undefined;
  const selfClosing = source.slice(to.start, to.openEnd).endsWith('/>');
  return `<${to.name}${attributes(merged)}${selfClosing ? ' />' : '>'}`;
}

/**
 * `regenerated` with what Markdown cannot carry taken back from `previous`, the storage its Markdown was read from
 * (a whole page or one block of it); see the module comment. Never throws; bounded by the size of both inputs.
 */
export function carryIdentity(previous: string, regenerated: string): string {
  if (previous === '' || regenerated === '') return regenerated;
  const oldRoot = parseStorage(previous);
  const glyphs = new Set<string>();
  const scan = (nodes: readonly SourceNode[]): void => {
    for (const node of nodes) {
      if (node.type !== 'element') continue;
      if (node.name === 'ac:emoticon') glyphs.add(withoutSelector(emoticonText(node)));
      else scan(node.children);
    }
  };
  scan(oldRoot.children);
  const pattern = glyphPattern(glyphs);
  const before = collect(previous, oldRoot, pattern);
  const after = collect(regenerated, parseStorage(regenerated), pattern);
  const edits: Edit[] = [];
  for (const [old, next] of pair(before.emoji, after.emoji)) {
    if (old.element !== undefined) {
      edits.push({ start: next.start, end: next.end, text: previous.slice(old.start, old.end) });
    } else if (next.element !== undefined) {
      // An emoji typed as text stays text.
      edits.push({ start: next.start, end: next.end, text: previous.slice(old.start, old.end) });
    }
  }
  for (const [old, next] of pair(before.elements, after.elements)) {
    const oldElement = old.element;
    const element = next.element;
    if (oldElement === undefined || element === undefined) continue;
    if (next.key.startsWith('status|') || next.key.startsWith('user|')) {
      edits.push({ start: next.start, end: next.end, text: previous.slice(old.start, old.end) });
      continue;
    }
    const tag = carriedTag(oldElement, element, regenerated);
    if (tag !== undefined) edits.push({ start: element.start, end: element.openEnd, text: tag });
  }
  edits.sort((a, b) => a.start - b.start || a.end - b.end);
  let out = '';
  let cursor = 0;
  for (const edit of edits) {
    if (edit.start < cursor) continue;
    out += regenerated.slice(cursor, edit.start) + edit.text;
    cursor = edit.end;
  }
  return out + regenerated.slice(cursor);
}
