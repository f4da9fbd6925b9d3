import type { ConversionContext } from './context.js';
import { DROPPED_HTML_ELEMENTS, INLINE_HTML_ELEMENTS, readHtmlTag } from './inline-html.js';
import { imageToStorage, linkToStorage } from './links.js';
import type { Token } from './markdown-parser.js';
import { statusMacro, textRunToStorage } from './text.js';
import { attributes, escapeXml } from './xhtml.js';

/** Storage for a run of inline Markdown, with what it consisted of. */
export interface InlineResult {
  readonly storage: string;
  /** Only placeholders of kept constructs, or nothing, besides whitespace. */
  readonly onlyKept: boolean;
  /** Exactly one generated-content marker (`[Table of contents]`) besides whitespace. */
  readonly onlyMarker: boolean;
}

interface Frame {
  readonly kind: 'root' | 'markdown' | 'html' | 'link' | 'drop';
  /** markdown-it type without `_open`, or the HTML tag name. */
  readonly name: string;
  readonly open: string;
  readonly close: string;
  readonly parts: string[];
  /** Link text as plain text, for a link body. */
  readonly plain: string[];
  readonly href?: string;
}

const MAX_HTML_DEPTH = 64;

const MARKDOWN_WRAPPERS: Readonly<Record<string, string>> = { em: 'em', strong: 'strong', s: 's' };

class InlineWriter {
  /** The open link, if any: links cannot nest. */
  private link: Frame | undefined;
  /** Open HTML elements; beyond {@link MAX_HTML_DEPTH} more are ignored, their text kept. */
  private htmlDepth = 0;
  private readonly frames: Frame[] = [{ kind: 'root', name: '', open: '', close: '', parts: [], plain: [] }];
  private runText = '';
  private runEscaped = new Set<number>();
  private content = 0;
  private kept = 0;
  private markers = 0;
  /** The date of the chip just written, while its text (`<time datetime="D">D</time>`) is being skipped. */
  private chipText: string | undefined;

  constructor(
    private readonly ctx: ConversionContext,
    private readonly inHeading: boolean,
  ) {}

  private get top(): Frame {
    return (
      this.frames[this.frames.length - 1] ?? {
        kind: 'root',
        name: '',
        open: '',
        close: '',
        parts: [],
        plain: [],
      }
    );
  }

  private get inLink(): boolean {
    return this.link !== undefined;
  }

  /** Appends storage; `plain` is its text for an enclosing link's body. */
  private emit(storage: string, plain: string, counts = true): void {
    this.top.parts.push(storage);
    this.link?.plain.push(plain);
    if (counts) this.content++;
  }

  addText(text: string, escaped: boolean): void {
    if (escaped)
      for (let index = 0; index < text.length; index++) this.runEscaped.add(this.runText.length + index);
    this.runText += text;
  }

  flushText(): void {
    if (this.runText === '') return;
    const place = { dates: !this.inHeading && this.ctx.dateChips, literal: this.inLink };
    const { storage, markers, hasText } = textRunToStorage(
      { text: this.runText, escaped: this.runEscaped },
      place,
    );
    this.markers += markers;
    this.emit(storage, this.runText, hasText);
    this.runText = '';
    this.runEscaped = new Set();
  }

  push(kind: Frame['kind'], name: string, open: string, close: string, href?: string): void {
    if (kind === 'html' || kind === 'drop') {
      if (this.htmlDepth >= MAX_HTML_DEPTH) return;
      this.htmlDepth++;
    }
    const frame: Frame = {
      kind,
      name,
      open,
      close,
      parts: [],
      plain: [],
      ...(href === undefined ? {} : { href }),
    };
    if (kind === 'link') this.link = frame;
    this.frames.push(frame);
  }

  /** Closes the innermost frame, writing it into its parent. */
  private pop(): void {
    const frame = this.frames.pop();
    if (frame === undefined || this.frames.length === 0) return;
    if (frame.kind === 'html' || frame.kind === 'drop') this.htmlDepth--;
    if (frame === this.link) this.link = undefined;
    const inner = frame.parts.join('');
    if (frame.kind === 'drop') return;
    if (frame.kind === 'link') {
      const plain = frame.plain.join('');
      const formatted = inner !== escapeXml(plain);
      this.emit(linkToStorage(frame.href ?? '', { plain, storage: inner, formatted }), plain);
      return;
    }
    this.emit(inner === '' ? '' : frame.open + inner + frame.close, '', false);
  }

  /** Closes frames down to and including the innermost one matching, not crossing a Markdown frame for HTML. */
  close(kind: Frame['kind'], name: string): void {
    for (let index = this.frames.length - 1; index > 0; index--) {
      const frame = this.frames[index];
      if (frame === undefined) return;
      if (frame.kind === kind && frame.name === name) {
        while (this.frames.length > index) this.pop();
        return;
      }
      if (kind === 'html' && frame.kind !== 'html' && frame.kind !== 'drop') return;
    }
  }

  token(token: Token): void {
    if (this.chipText !== undefined) {
      const rest = this.chipText;
      if (token.type === 'text' && token.content !== '' && rest.startsWith(token.content)) {
        this.chipText = rest.slice(token.content.length);
        return;
      }
      this.chipText = undefined;
      if (token.type === 'html_inline' && /^<\/time\s*>$/i.test(token.content)) return;
    }
    if (token.type === 'text' || token.type === 'text_special') {
      this.addText(token.content, token.type === 'text_special');
      return;
    }
    this.flushText();
    const wrapper = MARKDOWN_WRAPPERS[token.type.replace(/_(open|close)$/, '')];
    if (wrapper !== undefined) {
      const name = token.type.replace(/_(open|close)$/, '');
      if (token.nesting === 1) this.push('markdown', name, `<${wrapper}>`, `</${wrapper}>`);
      else this.close('markdown', name);
      return;
    }
    switch (token.type) {
      case 'softbreak':
        this.emit('\n', '\n', false);
        return;
      case 'hardbreak':
        this.emit('<br />', '\n', false);
        return;
      case 'code_inline': {
        const status = this.inLink ? undefined : statusMacro(token.content);
        this.emit(status ?? `<code>${escapeXml(token.content)}</code>`, token.content);
        return;
      }
      case 'link_open':
        this.push('link', 'link', '', '', String(token.attrGet('href') ?? ''));
        return;
      case 'link_close':
        this.close('link', 'link');
        return;
      case 'image': {
        const alt = (token.children ?? []).map((child) => child.content).join('');
        const title = token.attrGet('title');
        this.emit(
          imageToStorage(String(token.attrGet('src') ?? ''), alt, title === null ? undefined : String(title)),
          alt,
        );
        return;
      }
      case 'html_inline':
        this.html(token.content);
        return;
    }
  }

  private html(html: string): void {
    const tag = readHtmlTag(html);
    if (tag.kind === 'comment') {
      const fragment = this.ctx.keep(tag.text);
      if (fragment !== undefined && fragment !== '') {
        this.top.parts.push(fragment);
        this.kept++;
      }
      return;
    }
    if (tag.kind === 'close') {
      if (tag.name === 'a') this.close('link', 'a');
      else if (DROPPED_HTML_ELEMENTS.has(tag.name)) this.close('drop', tag.name);
      else this.close('html', INLINE_HTML_ELEMENTS[tag.name] ?? tag.name);
      return;
    }
    if (tag.kind !== 'open') return;
    const element = INLINE_HTML_ELEMENTS[tag.name];
    if (tag.name === 'br') {
      this.emit('<br />', '\n', false);
    } else if (
      tag.name === 'img' &&
      tag.attrs.src &&
      !/^\s*(?:javascript|vbscript|file):/i.test(tag.attrs.src)
    ) {
      this.emit(imageToStorage(tag.attrs.src, tag.attrs.alt ?? '', tag.attrs.title), tag.attrs.alt ?? '');
    } else if (tag.name === 'time' && /^\d{4}-\d{2}-\d{2}$/.test(tag.attrs.datetime ?? '')) {
      this.emit(`<time${attributes({ datetime: tag.attrs.datetime })} />`, tag.attrs.datetime ?? '');
      // The chip shows its own date: the same date written as the element's text is not text of the page.
      if (!tag.selfClosing) this.chipText = tag.attrs.datetime ?? '';
    } else if (tag.selfClosing) {
      return;
    } else if (tag.name === 'a' && tag.attrs.href && !this.inLink) {
      this.push('link', 'a', '', '', tag.attrs.href);
    } else if (DROPPED_HTML_ELEMENTS.has(tag.name)) {
      this.push('drop', tag.name, '', '');
    } else if (element !== undefined) {
      this.push('html', element, `<${element}>`, `</${element}>`);
    }
  }

  finish(): InlineResult {
    this.flushText();
    while (this.frames.length > 1) this.pop();
    const storage = this.top.parts.join('');
    return {
      storage,
      onlyKept: this.content === 0 && this.markers === 0,
      onlyMarker: this.content === 0 && this.markers === 1 && this.kept === 0,
    };
  }
}

/** Converts markdown-it inline tokens to storage; the result is always well-formed. */
export function inlineToStorage(
  tokens: readonly Token[],
  ctx: ConversionContext,
  inHeading = false,
): InlineResult {
  const writer = new InlineWriter(ctx, inHeading);
  for (const token of tokens) writer.token(token);
  return writer.finish();
}
