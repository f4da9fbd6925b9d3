import type { ChildNode, Element } from 'domhandler';
import { decodeHTML } from 'entities';
import { parseDocument } from 'htmlparser2';

/**
 * Facts a reader of a page relies on, read straight off the storage XML with htmlparser2's DOM (not with the
 * converters under test), so a fidelity test comparing them is not circular.
 */
export interface PageFacts {
  readonly headings: string[];
  /** `space|title` of page links, `url|…` of external links, `attachment|file`, `user|id`, `anchor|name`. */
  readonly links: string[];
  readonly images: string[];
  readonly mentions: string[];
  /** Code macro bodies byte for byte. */
  readonly code: string[];
  readonly cells: string[];
  /** `[x] text` or `[ ] text`. */
  readonly tasks: string[];
  /** `macro: text` for info, tip, note and warning panels. */
  readonly panels: string[];
  /** `title: text`. */
  readonly expands: string[];
  /** `TITLE (colour)`. */
  readonly statuses: string[];
  readonly dates: string[];
  /** Every run of visible text, in order. */
  readonly texts: string[];
}

const HIDDEN = new Set([
  'ac:parameter',
  'ac:default-parameter',
  'ac:task-id',
  'ac:task-uuid',
  'ac:task-status',
  'ac:placeholder',
  'ac:emoticon',
  'ac:adf-attribute',
  'script',
  'style',
]);

const PANELS: Readonly<Record<string, string>> = {
  info: 'info',
  tip: 'tip',
  success: 'tip',
  note: 'note',
  warning: 'warning',
  error: 'warning',
};

/** Text with all whitespace and pictographs removed: formatting-independent but character-exact otherwise. */
export function squash(text: string): string {
  return text.replace(/\s+|\u00a0|\ufe0f|\u200d|\p{Extended_Pictographic}/gu, '');
}

function isElement(node: ChildNode): node is Element {
  return node.type === 'tag' || node.type === 'script' || node.type === 'style';
}

function children(element: Element, name?: string): Element[] {
  return element.children.filter((node): node is Element => isElement(node) && (!name || node.name === name));
}

function parameter(macro: Element, name: string): string | undefined {
  const found = children(macro, 'ac:parameter').find((node) => node.attribs['ac:name'] === name);
  return found === undefined ? undefined : decodeHTML(rawText(found)).trim();
}

function rawText(node: ChildNode): string {
  if (node.type === 'text') return node.data;
  if (node.type === 'cdata') return node.children.map(rawText).join('');
  if (!isElement(node)) return '';
  return node.children.map(rawText).join('');
}

/** The text a reader sees: parameters and hidden parts left out, links without a body show their target. */
export function visibleText(node: ChildNode): string {
  if (node.type === 'text') return decodeHTML(node.data);
  if (node.type === 'cdata') return node.children.map(rawText).join('');
  if (!isElement(node) || HIDDEN.has(node.name)) return '';
  if (node.name === 'time') return node.attribs.datetime ?? node.children.map(visibleText).join('');
  if (node.name === 'ac:structured-macro' && node.attribs['ac:name'] === 'status') return '';
  if (node.name === 'ac:link') {
    const body = children(node).find((child) => child.name.endsWith('link-body'));
    if (body !== undefined) return visibleText(body);
    const target = children(node).find((child) => child.name.startsWith('ri:'));
    if (target?.name === 'ri:user') return '';
    const attrs = target?.attribs ?? {};
    return (
      attrs['ri:content-title'] ??
      attrs['ri:filename'] ??
      attrs['ri:space-key'] ??
      node.attribs['ac:anchor'] ??
      ''
    );
  }
  if (node.name === 'ac:adf-extension') {
    const fallback = children(node, 'ac:adf-fallback')[0];
    return fallback === undefined ? '' : visibleText(fallback);
  }
  return node.children.map(visibleText).join('');
}

function taskText(task: Element): string {
  const body = children(task, 'ac:task-body')[0];
  if (body === undefined) return '';
  return body.children
    .filter(
      (node) =>
        !isElement(node) || (node.name !== 'ac:task-list' && node.name !== 'ul' && node.name !== 'ol'),
    )
    .map(visibleText)
    .join('');
}

function linkFact(link: Element): string | undefined {
  const target = children(link).find((child) => child.name.startsWith('ri:'));
  const attrs = target?.attribs ?? {};
  switch (target?.name) {
    case 'ri:page':
      return `page|${attrs['ri:space-key'] ?? ''}|${attrs['ri:content-title'] ?? ''}`;
    case 'ri:attachment':
      return `attachment|${attrs['ri:filename'] ?? ''}`;
    case 'ri:url':
      return `url|${attrs['ri:value'] ?? ''}`;
    case 'ri:user':
      return undefined;
    case undefined:
      return link.attribs['ac:anchor'] ? `anchor|${link.attribs['ac:anchor']}` : undefined;
    default:
      return `${target?.name ?? ''}|${Object.keys(attrs)
        .sort()
        .map((key) => attrs[key])
        .join('|')}`;
  }
}

function emptyFacts(): PageFacts {
  return {
    headings: [],
    links: [],
    images: [],
    mentions: [],
    code: [],
    cells: [],
    tasks: [],
    panels: [],
    expands: [],
    statuses: [],
    dates: [],
    texts: [],
  };
}

function visit(node: ChildNode, facts: PageFacts): void {
  if (node.type === 'text') {
    const text = squash(decodeHTML(node.data));
    if (text !== '') facts.texts.push(text);
    return;
  }
  if (!isElement(node) || HIDDEN.has(node.name)) return;
  const name = node.name;
  if (/^h[1-6]$/.test(name)) facts.headings.push(`${name} ${squash(visibleText(node))}`);
  if (name === 'td' || name === 'th') facts.cells.push(squash(visibleText(node)));
  if (name === 'time' && node.attribs.datetime) {
    facts.dates.push(node.attribs.datetime);
    facts.texts.push(squash(node.attribs.datetime));
    return;
  }
  if (name === 'a' && node.attribs.href) facts.links.push(`url|${node.attribs.href}`);
  if (name === 'ac:link') {
    const user = children(node, 'ri:user')[0];
    const attrs = user?.attribs ?? {};
    if (user !== undefined)
      facts.mentions.push(attrs['ri:account-id'] ?? attrs['ri:userkey'] ?? attrs['ri:username'] ?? '');
    const link = linkFact(node);
    if (link !== undefined) facts.links.push(link);
  }
  if (name === 'pre') {
    facts.code.push(decodeHTML(rawText(node)).replace(/^\n/, ''));
    return;
  }
  if (name === 'ac:image') {
    const target = children(node).find((child) => child.name.startsWith('ri:'));
    facts.images.push(target?.attribs['ri:filename'] ?? target?.attribs['ri:value'] ?? '');
  }
  if (name === 'ac:task') {
    const done = rawText(children(node, 'ac:task-status')[0] ?? node).trim() === 'complete';
    facts.tasks.push(`${done ? '[x]' : '[ ]'} ${squash(taskText(node))}`);
  }
  if (name === 'ac:structured-macro' || name === 'ac:macro') {
    const macro = node.attribs['ac:name'] ?? '';
    const body = children(node, 'ac:rich-text-body')[0];
    if (macro === 'code' || macro === 'noformat') {
      facts.code.push(rawText(children(node, 'ac:plain-text-body')[0] ?? node));
      return;
    }
    if (macro === 'status') {
      facts.statuses.push(
        `${(parameter(node, 'title') ?? '').toUpperCase()} (${(parameter(node, 'colour') ?? '').toLowerCase()})`,
      );
      return;
    }
    const panel = PANELS[macro];
    if (panel !== undefined && body !== undefined)
      facts.panels.push(`${panel}: ${squash(visibleText(body))}`);
    if (macro === 'expand' && body !== undefined) {
      facts.expands.push(`${parameter(node, 'title') ?? ''}: ${squash(visibleText(body))}`);
    }
    // Parameters and plain-text bodies of other macros are not page text.
    for (const child of node.children) {
      if (isElement(child) && child.name === 'ac:rich-text-body') visit(child, facts);
    }
    return;
  }
  if (name === 'ac:link') {
    const text = squash(visibleText(node));
    if (text !== '') facts.texts.push(text);
    return;
  }
  if (name === 'ac:adf-extension') {
    const fallback = children(node, 'ac:adf-fallback')[0];
    if (fallback !== undefined) visit(fallback, facts);
    return;
  }
  if (name === 'ac:image') return;
  for (const child of node.children) visit(child, facts);
}

// Text is decoded where it is read; attributes once here, with the HTML entities storage allows.
function decodeAttributes(nodes: readonly ChildNode[]): void {
  for (const node of nodes) {
    if (!isElement(node)) continue;
    for (const [name, value] of Object.entries(node.attribs)) node.attribs[name] = decodeHTML(value);
    decodeAttributes(node.children);
  }
}

/** Reads the facts of a storage document. */
export function extractFacts(storage: string): PageFacts {
  const document = parseDocument(storage, { xmlMode: true, decodeEntities: false, recognizeCDATA: true });
  decodeAttributes(document.children);
  const facts = emptyFacts();
  for (const node of document.children) visit(node, facts);
  return facts;
}

/**
 * Cells and tasks whose text holds each expected one; they may hold more, e.g. the placeholder text of a macro
 * Markdown cannot carry.
 */
function missingContained(expected: readonly string[], actual: readonly string[], prefix = 0): string[] {
  const unused = [...actual];
  const absent: string[] = [];
  for (const value of expected) {
    const index = unused.findIndex(
      (candidate) =>
        candidate.slice(0, prefix) === value.slice(0, prefix) && candidate.includes(value.slice(prefix)),
    );
    if (index === -1) absent.push(value);
    else unused.splice(index, 1);
  }
  return absent;
}

/**
 * Facts of `expected` (with multiplicity) missing from `actual`, by kind; texts must appear in order, cells and
 * tasks hold at least the expected text.
 */
export function missingFacts(
  expected: PageFacts,
  actual: PageFacts,
): Partial<Record<keyof PageFacts, string[]>> {
  const missing: Partial<Record<keyof PageFacts, string[]>> = {};
  const cells = missingContained(expected.cells, actual.cells);
  if (cells.length > 0) missing.cells = cells;
  const tasks = missingContained(expected.tasks, actual.tasks, 4);
  if (tasks.length > 0) missing.tasks = tasks;
  for (const key of Object.keys(expected) as (keyof PageFacts)[]) {
    if (key === 'texts' || key === 'cells' || key === 'tasks') continue;
    const pool = new Map<string, number>();
    for (const value of actual[key]) pool.set(value, (pool.get(value) ?? 0) + 1);
    const absent: string[] = [];
    for (const value of expected[key]) {
      const count = pool.get(value) ?? 0;
      if (count === 0) absent.push(value);
      else pool.set(value, count - 1);
    }
    if (absent.length > 0) missing[key] = absent;
  }
  const text = actual.texts.join('');
  const absentTexts: string[] = [];
  let position = 0;
  for (const run of expected.texts) {
    const found = text.indexOf(run, position);
    if (found !== -1) position = found + run.length;
    else if (!text.includes(run)) absentTexts.push(run);
  }
  if (absentTexts.length > 0) missing.texts = absentTexts;
  return missing;
}
