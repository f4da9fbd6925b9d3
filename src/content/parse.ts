import { DecodingMode, decodeHTML, fromCodePoint, replaceCodePoint } from 'entities/decode';
import { Tokenizer, type TokenizerCallbacks } from 'htmlparser2';

/** An element of a parsed storage document; names and attribute names are lower-cased. */
export interface StorageElement {
  readonly type: 'element';
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
 * Elements nested deeper than this are not built: their text is appended to the deepest kept element, so every
 * later tree walk may recurse safely.
 */
export const MAX_DEPTH = 200;

const VOID_ELEMENTS = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'param',
  'source',
  'track',
  'wbr',
]);

// When elements are flattened beyond MAX_DEPTH, these still separate words.
const SEPARATING_ELEMENTS = new Set([
  'p',
  'div',
  'br',
  'hr',
  'li',
  'ul',
  'ol',
  'tr',
  'td',
  'th',
  'table',
  'blockquote',
  'pre',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'ac:task',
  'ac:layout-cell',
  'ac:parameter',
  'ac:rich-text-body',
  'ac:plain-text-body',
]);

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
  readonly element: StorageElement | undefined;
}

function createElement(name: string, attrs: Record<string, string>): StorageElement {
  return { type: 'element', name, attrs, children: [] };
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
 * `Array.unshift`, which is quadratic on deeply nested input.
 */
class TreeBuilder implements TokenizerCallbacks {
  readonly root = createElement('#document', {});
  private readonly open: OpenEntry[] = [];
  private readonly openCounts = new Map<string, number>();
  private readonly elements: StorageElement[] = [this.root];
  private tagName = '';
  private attrs: Record<string, string> = Object.create(null);
  private attrName = '';
  private attrValue = '';

  constructor(private readonly source: string) {}

  private get parent(): StorageElement {
    return this.elements[this.elements.length - 1] ?? this.root;
  }

  private appendText(text: string): void {
    if (text !== '') this.parent.children.push({ type: 'text', text });
  }

  private separate(name: string): void {
    if (SEPARATING_ELEMENTS.has(name)) this.appendText(' ');
  }

  private openElement(selfClosing: boolean): void {
    const name = this.tagName;
    const attrs = this.attrs;
    this.tagName = '';
    this.attrs = Object.create(null);
    if (name === '') return;
    const closes = IMPLIED_CLOSES[name];
    for (let top = this.open.at(-1); closes !== undefined && top !== undefined && closes.has(top.name); ) {
      this.closeElement(top.name);
      top = this.open.at(-1);
    }
    const tooDeep = this.elements.length > MAX_DEPTH;
    if (selfClosing || VOID_ELEMENTS.has(name)) {
      if (tooDeep) this.separate(name);
      else this.parent.children.push(createElement(name, attrs));
      return;
    }
    let element: StorageElement | undefined;
    if (tooDeep) {
      this.separate(name);
    } else {
      element = createElement(name, attrs);
      this.parent.children.push(element);
      this.elements.push(element);
    }
    this.open.push({ name, element });
    this.openCounts.set(name, (this.openCounts.get(name) ?? 0) + 1);
  }

  private closeElement(name: string): void {
    if (VOID_ELEMENTS.has(name) || !this.openCounts.get(name)) return;
    // Closing an outer element implicitly closes everything opened inside it.
    for (;;) {
      const entry = this.open.pop();
      if (entry === undefined) return;
      this.openCounts.set(entry.name, (this.openCounts.get(entry.name) ?? 1) - 1);
      if (entry.element === undefined) this.separate(entry.name);
      else this.elements.pop();
      if (entry.name === name) return;
    }
  }

  onopentagname(start: number, endIndex: number): void {
    this.tagName = this.source.slice(start, endIndex).toLowerCase();
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
    if (!Object.hasOwn(this.attrs, this.attrName)) this.attrs[this.attrName] = decodeEntities(this.attrValue);
    this.attrValue = '';
  }

  onopentagend(): void {
    this.openElement(false);
  }

  onselfclosingtag(): void {
    this.openElement(true);
  }

  onclosetag(start: number, endIndex: number): void {
    this.closeElement(this.source.slice(start, endIndex).toLowerCase());
  }

  ontext(start: number, endIndex: number): void {
    this.appendText(decodeEntities(this.source.slice(start, endIndex)));
  }

  ontextentity(codepoint: number): void {
    this.appendText(fromCodePoint(replaceCodePoint(codepoint)));
  }

  oncdata(start: number, endIndex: number, endOffset: number): void {
    this.appendText(this.source.slice(start, endIndex - endOffset));
  }

  oncomment(): void {}
  ondeclaration(): void {}
  onprocessinginstruction(): void {}
  onend(): void {}
}

/**
 * Parses Confluence storage format (XHTML with `ac:`/`ri:` elements) into a tree, forgiving malformed markup:
 * unknown close tags are ignored, unclosed elements end where an enclosing element or the input ends.
 */
export function parseStorage(storage: string): StorageElement {
  const builder = new TreeBuilder(storage);
  const tokenizer = new Tokenizer({ xmlMode: true, decodeEntities: false }, builder);
  tokenizer.write(storage);
  tokenizer.end();
  return builder.root;
}
