import { DecodingMode, decodeHTML } from 'entities/decode';
import { Tokenizer, type TokenizerCallbacks } from 'htmlparser2';
import { SEPARATING_ELEMENTS, VOID_ELEMENTS } from './elements.js';

/** An element of a parsed storage document as the Markdown renderer reads it, or builds one for itself. */
export interface StorageElement {
  readonly type: 'element';
  /** Lower-cased, as are attribute names. */
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: StorageNode[];
}

/** Text of a parsed storage document, entities already decoded (CDATA kept verbatim). */
export interface StorageText {
  readonly type: 'text';
  readonly text: string;
}

export type StorageNode = StorageElement | StorageText;

/**
 * An element as {@link parseStorage} builds it: with its parent and the offsets of its markup in the source
 * string, so edits can splice the source instead of re-serializing it. An element left open ends where its
 * parent's content (or the input) ends.
 */
export interface SourceElement extends StorageElement {
  readonly parent: SourceElement | undefined;
  readonly children: SourceNode[];
  /** Offset of `<`. */
  readonly start: number;
  /** Offset just after the opening tag's `>` (equal to `end` for a self-closed element). */
  readonly openEnd: number;
  /** Offset of the closing tag's `<`, or where the content ends when there is no closing tag. */
  closeStart: number;
  /** Offset just after the closing tag. */
  end: number;
  /** True when descendants nested deeper than {@link MAX_DEPTH} were not built. */
  truncated: boolean;
}

/** Text with its source offsets; a space standing for an element flattened beyond MAX_DEPTH has no extent. */
export interface SourceText extends StorageText {
  readonly start: number;
  readonly end: number;
}

export type SourceNode = SourceElement | SourceText;

/**
 * Elements nested deeper than this are not built: their text is appended to the deepest kept element, which is
 * marked `truncated`, so every later tree walk may recurse safely.
 */
export const MAX_DEPTH = 200;

/** Open elements an opening tag closes first, as HTML parsers do, for storage that is not well-formed. */
const IMPLIED_CLOSES: Readonly<Record<string, ReadonlySet<string>>> = {
  li: new Set(['li']),
  p: new Set(['p']),
  td: new Set(['td', 'th']),
  th: new Set(['td', 'th']),
  tr: new Set(['td', 'th', 'tr']),
};

interface OpenEntry {
  readonly name: string;
  /** Undefined when the element was flattened for being too deep. */
  readonly element: SourceElement | undefined;
}

function createElement(
  name: string,
  attrs: Record<string, string>,
  parent: SourceElement | undefined,
  start: number,
  openEnd: number,
): SourceElement {
  return {
    type: 'element',
    name,
    attrs,
    parent,
    children: [],
    start,
    openEnd,
    closeStart: openEnd,
    end: openEnd,
    truncated: false,
  };
}

/**
 * Storage format uses HTML named entities (`&nbsp;`, `&rsquo;`) that are not XML entities, so the tokenizer runs
 * without decoding and text is decoded here with the full HTML table, semicolons required as in XHTML.
 */
function decodeEntities(text: string): string {
  return text.includes('&') ? decodeHTML(text, DecodingMode.Strict) : text;
}

/**
 * Builds the tree from htmlparser2's tokenizer rather than its Parser: the Parser keeps open tags with
 * `Array.unshift`, which is quadratic on deeply nested input, and reports no end offsets for closing tags.
 */
class TreeBuilder implements TokenizerCallbacks {
  readonly root: SourceElement;
  private readonly open: OpenEntry[] = [];
  private readonly openCounts = new Map<string, number>();
  private readonly elements: SourceElement[];
  private tagName = '';
  private tagStart = 0;
  private attrs: Record<string, string> = Object.create(null);
  private attrName = '';
  private attrValue = '';

  constructor(private readonly source: string) {
    this.root = createElement('#document', {}, undefined, 0, 0);
    this.root.closeStart = source.length;
    this.root.end = source.length;
    this.elements = [this.root];
  }

  private get parent(): SourceElement {
    return this.elements[this.elements.length - 1] ?? this.root;
  }

  private appendText(text: string, start: number, end: number): void {
    if (text !== '') this.parent.children.push({ type: 'text', text, start, end });
  }

  /** Marks where an element beyond MAX_DEPTH was, so that the words on either side stay apart. */
  private separate(name: string, at: number): void {
    if (SEPARATING_ELEMENTS.has(name)) this.appendText(' ', at, at);
  }

  private openElement(tagEnd: number, selfClosing: boolean): void {
    const name = this.tagName;
    const attrs = this.attrs;
    const start = this.tagStart;
    this.tagName = '';
    this.attrs = Object.create(null);
    if (name === '') return;
    const closes = IMPLIED_CLOSES[name];
    for (let top = this.open.at(-1); closes !== undefined && top !== undefined && closes.has(top.name); ) {
      this.closeElement(top.name, start, start);
      top = this.open.at(-1);
    }
    const parent = this.parent;
    let element: SourceElement | undefined;
    if (this.elements.length > MAX_DEPTH) {
      parent.truncated = true;
      this.separate(name, start);
    } else {
      element = createElement(name, attrs, parent, start, tagEnd);
      parent.children.push(element);
    }
    if (selfClosing || VOID_ELEMENTS.has(name)) return;
    if (element !== undefined) this.elements.push(element);
    this.open.push({ name, element });
    this.openCounts.set(name, (this.openCounts.get(name) ?? 0) + 1);
  }

  /** Closes `name` and everything opened inside it; the closing tag spans `closeStart` to `end`. */
  private closeElement(name: string, closeStart: number, end: number): void {
    // Close tags of elements that are not open are ignored, as are those of void elements (never open).
    if (!this.openCounts.get(name)) return;
    for (;;) {
      const entry = this.open.pop();
      if (entry === undefined) return;
      this.openCounts.set(entry.name, (this.openCounts.get(entry.name) ?? 1) - 1);
      const matched = entry.name === name;
      if (entry.element === undefined) {
        this.separate(entry.name, closeStart);
      } else {
        this.elements.pop();
        entry.element.closeStart = closeStart;
        entry.element.end = matched ? end : closeStart;
      }
      if (matched) return;
    }
  }

  onopentagname(start: number, endIndex: number): void {
    this.tagName = this.source.slice(start, endIndex).toLowerCase();
    this.tagStart = start - 1;
    this.attrs = Object.create(null);
  }

  onattribname(start: number, endIndex: number): void {
    this.attrName = this.source.slice(start, endIndex).toLowerCase();
    this.attrValue = '';
  }

  onattribdata(start: number, endIndex: number): void {
    this.attrValue += this.source.slice(start, endIndex);
  }

  onattribend(): void {
    if (!Object.hasOwn(this.attrs, this.attrName)) this.attrs[this.attrName] = decodeEntities(this.attrValue);
    this.attrValue = '';
  }

  onopentagend(endIndex: number): void {
    this.openElement(endIndex + 1, false);
  }

  onselfclosingtag(endIndex: number): void {
    this.openElement(endIndex + 1, true);
  }

  onclosetag(start: number, endIndex: number): void {
    const name = this.source.slice(start, endIndex).toLowerCase();
    const gt = this.source.indexOf('>', endIndex);
    this.closeElement(name, start - 2, gt === -1 ? this.source.length : gt + 1);
  }

  ontext(start: number, endIndex: number): void {
    this.appendText(decodeEntities(this.source.slice(start, endIndex)), start, endIndex);
  }

  /** `endOffset` is 2 after `]]>` and 0 when the input ends inside the section. */
  oncdata(start: number, endIndex: number, endOffset: number): void {
    const end = endOffset === 0 ? endIndex : endIndex + 1;
    this.appendText(this.source.slice(start, endIndex - endOffset), start - '<![CDATA['.length, end);
  }

  /** Ends every element still open where the input ends. */
  onend(): void {
    const end = this.source.length;
    while (this.open.length > 0) this.closeElement(this.open[0]?.name ?? '', end, end);
  }

  // Without entity decoding in the tokenizer (see decodeEntities) these are never called.
  ontextentity(): void {}
  onattribentity(): void {}
  oncomment(): void {}
  ondeclaration(): void {}
  onprocessinginstruction(): void {}
}

/**
 * Parses Confluence storage format (XHTML with `ac:`/`ri:` elements) into a tree that remembers where its tags
 * are, forgiving malformed markup: unknown close tags are ignored, unclosed elements end where an enclosing
 * element or the input ends. The one parser of storage, for reading it as Markdown and for editing it, so both
 * see the same tree.
 */
export function parseStorage(storage: string): SourceElement {
  const builder = new TreeBuilder(storage);
  const tokenizer = new Tokenizer({ xmlMode: true, decodeEntities: false }, builder);
  tokenizer.write(storage);
  tokenizer.end();
  return builder.root;
}
