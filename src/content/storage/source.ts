import { DecodingMode, decodeHTML, fromCodePoint, replaceCodePoint } from 'entities/decode';
import { Tokenizer, type TokenizerCallbacks } from 'htmlparser2';
import { MAX_DEPTH } from '../parse.js';

/**
 * An element of storage with the offsets of its markup in the source string, so edits can splice the source
 * instead of re-serializing it. An element left open ends where its parent's content (or the input) ends.
 */
export interface SourceElement {
  readonly type: 'element';
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly parent: SourceElement | undefined;
  readonly children: SourceNode[];
  /** Offset of `<`. */
  readonly start: number;
  /** Offset just after the opening tag's `>` (equal to `end` for a self-closed element). */
  openEnd: number;
  /** Offset of the closing tag's `<`, or where the content ends when there is no closing tag. */
  closeStart: number;
  /** Offset just after the closing tag. */
  end: number;
  /** True when descendants nested deeper than {@link MAX_DEPTH} were not built. */
  truncated: boolean;
}

/** Text (entities decoded, CDATA verbatim) with its source offsets. */
export interface SourceText {
  readonly type: 'text';
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

export type SourceNode = SourceElement | SourceText;

const VOID_ELEMENTS = new Set([
  'br',
  'hr',
  'img',
  'col',
  'area',
  'base',
  'embed',
  'input',
  'link',
  'meta',
  'wbr',
]);

const IMPLIED_CLOSES: Readonly<Record<string, ReadonlySet<string>>> = {
  li: new Set(['li']),
  p: new Set(['p']),
  td: new Set(['td', 'th']),
  th: new Set(['td', 'th']),
  tr: new Set(['td', 'th', 'tr']),
};

interface Open {
  readonly name: string;
  readonly element: SourceElement | undefined;
}

function decode(text: string): string {
  return text.includes('&') ? decodeHTML(text, DecodingMode.Strict) : text;
}

class SourceBuilder implements TokenizerCallbacks {
  readonly root: SourceElement;
  private readonly open: Open[] = [];
  private readonly openCounts = new Map<string, number>();
  private readonly elements: SourceElement[];
  private tagName = '';
  private tagStart = 0;
  private attrs: Record<string, string> = Object.create(null);
  private attrName = '';
  private attrValue = '';

  constructor(private readonly source: string) {
    this.root = {
      type: 'element',
      name: '#document',
      attrs: {},
      parent: undefined,
      children: [],
      start: 0,
      openEnd: 0,
      closeStart: source.length,
      end: source.length,
      truncated: false,
    };
    this.elements = [this.root];
  }

  private get parent(): SourceElement {
    return this.elements[this.elements.length - 1] ?? this.root;
  }

  private text(text: string, start: number, end: number): void {
    if (start < end) this.parent.children.push({ type: 'text', text, start, end });
  }

  private openElement(tagEnd: number, selfClosing: boolean): void {
    const name = this.tagName;
    const attrs = this.attrs;
    this.tagName = '';
    this.attrs = Object.create(null);
    if (name === '') return;
    const closes = IMPLIED_CLOSES[name];
    for (let top = this.open.at(-1); closes !== undefined && top !== undefined && closes.has(top.name); ) {
      this.closeElement(top.name, this.tagStart, this.tagStart);
      top = this.open.at(-1);
    }
    const parent = this.parent;
    const tooDeep = this.elements.length > MAX_DEPTH;
    if (tooDeep) parent.truncated = true;
    const isVoid = selfClosing || VOID_ELEMENTS.has(name);
    let element: SourceElement | undefined;
    if (!tooDeep) {
      element = {
        type: 'element',
        name,
        attrs,
        parent,
        children: [],
        start: this.tagStart,
        openEnd: tagEnd,
        closeStart: tagEnd,
        end: tagEnd,
        truncated: false,
      };
      parent.children.push(element);
    }
    if (isVoid) return;
    if (element !== undefined) this.elements.push(element);
    this.open.push({ name, element });
    this.openCounts.set(name, (this.openCounts.get(name) ?? 0) + 1);
  }

  /** Closes `name` and everything opened inside it; the closing tag spans `closeStart` to `end`. */
  private closeElement(name: string, closeStart: number, end: number): void {
    if (!this.openCounts.get(name)) return;
    for (;;) {
      const entry = this.open.pop();
      if (entry === undefined) return;
      this.openCounts.set(entry.name, (this.openCounts.get(entry.name) ?? 1) - 1);
      const matched = entry.name === name;
      if (entry.element !== undefined) {
        this.elements.pop();
        entry.element.closeStart = closeStart;
        entry.element.end = matched ? end : closeStart;
      }
      if (matched) return;
    }
  }

  /** Ends every element still open where the input ends. */
  finish(): void {
    const end = this.source.length;
    while (this.open.length > 0) this.closeElement(this.open[0]?.name ?? '', end, end);
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

  onattribentity(codepoint: number): void {
    this.attrValue += fromCodePoint(replaceCodePoint(codepoint));
  }

  onattribend(): void {
    if (!Object.hasOwn(this.attrs, this.attrName)) this.attrs[this.attrName] = decode(this.attrValue);
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
    this.text(decode(this.source.slice(start, endIndex)), start, endIndex);
  }

  ontextentity(codepoint: number, endIndex: number): void {
    this.text(fromCodePoint(replaceCodePoint(codepoint)), endIndex, endIndex);
  }

  oncdata(start: number, endIndex: number, endOffset: number): void {
    this.text(this.source.slice(start, endIndex - endOffset), start - 9, endIndex + 1);
  }

  oncomment(): void {}
  ondeclaration(): void {}
  onprocessinginstruction(): void {}
  onend(): void {}
}

/**
 * Parses storage into elements that remember where their tags are in the source, forgiving malformed markup the
 * way {@link parseStorage} does. Elements nested deeper than {@link MAX_DEPTH} are not built; their nearest kept
 * ancestor is marked `truncated`.
 */
export function parseSource(storage: string): SourceElement {
  const builder = new SourceBuilder(storage);
  const tokenizer = new Tokenizer({ xmlMode: true, decodeEntities: false }, builder);
  tokenizer.write(storage);
  tokenizer.end();
  builder.finish();
  return builder.root;
}

/** Direct child elements, optionally only those with this name. */
export function sourceChildren(element: SourceElement, name?: string): SourceElement[] {
  return element.children.filter(
    (node): node is SourceElement => node.type === 'element' && (name === undefined || node.name === name),
  );
}

/** All text under the node, whitespace collapsed and trimmed; `ac:parameter` values inside it are left out. */
export function sourceText(node: SourceNode): string {
  const parts: string[] = [];
  const stack: SourceNode[] = [node];
  while (stack.length > 0) {
    const current = stack.pop();
    if (current === undefined) break;
    if (current.type === 'text') {
      parts.push(current.text);
    } else if (current === node || current.name !== 'ac:parameter') {
      if (current.name === 'time' && current.attrs.datetime) parts.push(current.attrs.datetime);
      for (let index = current.children.length - 1; index >= 0; index--) {
        const child = current.children[index];
        if (child !== undefined) stack.push(child);
      }
    }
  }
  return parts
    .join('')
    .replace(/[ \t\n\r\f]+/g, ' ')
    .trim();
}
