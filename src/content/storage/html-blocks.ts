import { DecodingMode, decodeHTML } from 'entities/decode';
import { Tokenizer, type TokenizerCallbacks } from 'htmlparser2';
import {
  cellSpec,
  detailsSpec,
  elementSpec,
  type Frame,
  listSpec,
  rowSpec,
  type StorageBuilder,
  tableSpec,
} from './builder.js';
import type { ConversionContext } from './context.js';
import { inlineToStorage } from './inline.js';
import { DROPPED_HTML_ELEMENTS } from './inline-html.js';
import { parseInlineMarkdown } from './markdown-parser.js';
import { cdata, structuredMacro } from './xhtml.js';

/** A tag of an HTML block with its place in the block's text. */
interface Tag {
  readonly kind: 'open' | 'close';
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly selfClosing: boolean;
  readonly start: number;
  readonly end: number;
}

/** Tags that structure blocks; every other tag stays in the inline Markdown between them. */
const BLOCK_TAGS = new Set([
  'table',
  'thead',
  'tbody',
  'tfoot',
  'tr',
  'td',
  'th',
  'caption',
  'colgroup',
  'col',
  'details',
  'summary',
  'p',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'blockquote',
  'ul',
  'ol',
  'li',
  'pre',
  'hr',
  ...DROPPED_HTML_ELEMENTS,
]);

function readTags(html: string): Tag[] {
  const tags: Tag[] = [];
  let name = '';
  let start = 0;
  let attrs: Record<string, string> = Object.create(null);
  let attrName = '';
  let attrValue = '';
  const openTag = (end: number, selfClosing: boolean): void => {
    tags.push({ kind: 'open', name, attrs, selfClosing, start, end });
  };
  const noop = (): void => {};
  const callbacks: TokenizerCallbacks = {
    onopentagname(from, to) {
      name = html.slice(from, to).toLowerCase();
      start = from - 1;
      attrs = Object.create(null);
    },
    onattribname(from, to) {
      attrName = html.slice(from, to).toLowerCase();
      attrValue = '';
    },
    onattribdata(from, to) {
      attrValue += html.slice(from, to);
    },
    onattribend() {
      if (!Object.hasOwn(attrs, attrName)) attrs[attrName] = decodeHTML(attrValue, DecodingMode.Attribute);
    },
    onopentagend(end) {
      openTag(end + 1, false);
    },
    onselfclosingtag(end) {
      openTag(end + 1, true);
    },
    onclosetag(from, to) {
      const gt = html.indexOf('>', to);
      tags.push({
        kind: 'close',
        name: html.slice(from, to).toLowerCase(),
        attrs: {},
        selfClosing: false,
        start: from - 2,
        end: gt === -1 ? html.length : gt + 1,
      });
    },
    onattribentity: noop,
    oncdata: noop,
    oncomment: noop,
    ondeclaration: noop,
    onend: noop,
    onprocessinginstruction: noop,
    ontext: noop,
    ontextentity: noop,
  };
  const tokenizer = new Tokenizer({ xmlMode: false, decodeEntities: false }, callbacks);
  tokenizer.write(html);
  tokenizer.end();
  return tags.filter((tag) => BLOCK_TAGS.has(tag.name));
}

/** Text of raw HTML: tags removed, entities decoded. */
function htmlText(html: string): string {
  return decodeHTML(html.replace(/<!--[\s\S]*?-->|<[^>]*>/g, ''), DecodingMode.Legacy);
}

function span(value: string | undefined): string | undefined {
  const number = Number.parseInt(value ?? '', 10);
  return number > 1 && number <= 1000 ? String(number) : undefined;
}

const isCell = (frame: Frame): boolean => frame.kind === 'cell';
const isRow = (frame: Frame): boolean => frame.kind === 'row';
const isTable = (frame: Frame): boolean => frame.kind === 'table';
const isList = (frame: Frame): boolean => frame.kind === 'list';

/** Turns HTML blocks into storage, opening and closing containers in the builder as their tags say. */
export class HtmlBlocks {
  /** Raw-text mode: inside `<pre>`, `<summary>` or a dropped element, up to its closing tag. */
  private raw: { name: string; text: string } | undefined;

  constructor(
    private readonly builder: StorageBuilder,
    private readonly ctx: ConversionContext,
  ) {}

  private inline(markdown: string): void {
    const source = markdown.trim();
    if (source === '') return;
    this.builder.inline(inlineToStorage(parseInlineMarkdown(source), this.ctx));
  }

  /** Closes the innermost open HTML container matching, within the table or list it belongs to. */
  private closeWithin(matches: (frame: Frame) => boolean, boundary: (frame: Frame) => boolean): void {
    this.builder.closeTo(this.builder.findHtml(matches, boundary));
  }

  private openRow(): void {
    this.closeWithin(isRow, isTable);
    if (this.builder.findHtml(isTable, isCell) === -1 && this.builder.top.kind !== 'table') {
      this.builder.open(tableSpec('table'));
    }
    this.builder.open(rowSpec('tr'));
  }

  private openCell(tag: Tag): void {
    this.closeWithin(isCell, (frame) => isRow(frame) || isTable(frame));
    const top = this.builder.top.kind;
    if (top !== 'row') this.openRow();
    const spans = { colspan: span(tag.attrs.colspan), rowspan: span(tag.attrs.rowspan) };
    this.builder.open(cellSpec(tag.name === 'th', spans, 'td'));
  }

  private endRaw(): void {
    const raw = this.raw;
    this.raw = undefined;
    if (raw === undefined) return;
    if (raw.name === 'pre') {
      const code = htmlText(raw.text).replace(/^\n/, '').replace(/\n$/, '');
      this.builder.block(structuredMacro('code', [], { kind: 'plain', storage: cdata(code) }));
    } else if (raw.name === 'summary') {
      const details = this.builder.frameAt(this.builder.findHtml((frame) => frame.kind === 'details'));
      const title = htmlText(raw.text).replace(/\s+/g, ' ').trim();
      if (details !== undefined) details.title = title;
      else this.inline(`**${title}**`);
    }
  }

  private open(tag: Tag): void {
    const builder = this.builder;
    switch (tag.name) {
      case 'table':
        builder.open(tableSpec('table'));
        return;
      case 'tr':
        this.openRow();
        return;
      case 'td':
      case 'th':
        this.openCell(tag);
        return;
      case 'details':
        builder.open(detailsSpec());
        return;
      case 'p':
      case 'h1':
      case 'h2':
      case 'h3':
      case 'h4':
      case 'h5':
      case 'h6':
        this.closeWithin(
          (frame) => frame.tag === 'p',
          (frame) => frame.kind !== 'element',
        );
        builder.open(elementSpec('element', tag.name, tag.name, true));
        return;
      case 'blockquote':
        builder.open(elementSpec('quote', 'blockquote', 'blockquote'));
        return;
      case 'ul':
      case 'ol': {
        const start = Number.parseInt(tag.attrs.start ?? '1', 10);
        builder.open(
          listSpec(tag.name === 'ol', Number.isSafeInteger(start) && start >= 0 ? start : 1, tag.name),
        );
        return;
      }
      case 'li':
        this.closeWithin((frame) => frame.kind === 'item', isList);
        if (builder.top.kind !== 'list') builder.open(listSpec(false, 1, 'ul'));
        builder.open(elementSpec('item', 'li', 'li'));
        return;
      case 'hr':
        builder.block('<hr />');
        return;
      case 'pre':
      case 'summary':
        this.raw = { name: tag.name, text: '' };
        return;
    }
    if (DROPPED_HTML_ELEMENTS.has(tag.name)) this.raw = { name: tag.name, text: '' };
  }

  private close(tag: Tag): void {
    switch (tag.name) {
      case 'table':
        this.closeWithin(isTable, () => false);
        return;
      case 'tr':
        this.closeWithin(isRow, isTable);
        return;
      case 'td':
      case 'th':
        this.closeWithin(isCell, (frame) => isRow(frame) || isTable(frame));
        return;
      case 'ul':
      case 'ol':
        this.closeWithin(isList, () => false);
        return;
      case 'li':
        this.closeWithin((frame) => frame.kind === 'item', isList);
        return;
      default:
        this.closeWithin(
          (frame) => frame.tag === tag.name,
          () => false,
        );
    }
  }

  /** Converts one HTML block; text between structural tags is read as inline Markdown. */
  write(html: string): void {
    let cursor = 0;
    for (const tag of readTags(html)) {
      if (this.raw !== undefined) {
        if (tag.kind !== 'close' || tag.name !== this.raw.name) continue;
        this.raw.text += html.slice(cursor, tag.start);
        cursor = tag.end;
        this.endRaw();
        continue;
      }
      this.inline(html.slice(cursor, tag.start));
      cursor = tag.end;
      if (tag.kind === 'close') this.close(tag);
      else if (!tag.selfClosing || tag.name === 'hr') this.open(tag);
    }
    if (this.raw !== undefined) {
      // A `<pre>` or `<summary>` the block leaves open ends with it.
      this.raw.text += html.slice(cursor);
      this.endRaw();
    } else {
      this.inline(html.slice(cursor));
    }
  }
}
