import { attr, collapseWhitespace, textContent } from '../dom.js';
import { BLOCK_ELEMENTS, HIDDEN_ELEMENTS } from '../elements.js';
import { emoticonText } from '../emoticons.js';
import { codeSpan, escapeText } from '../escape.js';
import { KEEP_BLOCK_ELEMENT, KEEP_INLINE_ELEMENT } from '../keep.js';
import type { InlineState, RenderContext } from '../options.js';
import type { StorageElement, StorageNode } from '../parse.js';
import { keepPlaceholder } from './blocks.js';
import { renderAcLink, renderHtmlLink, renderImage } from './links.js';
import { renderInlineMacro } from './macros.js';

/**
 * Collects inline Markdown. Appended pieces contain no whitespace but single spaces and `\n` (a hard break);
 * a space after a space or break is dropped, which collapses whitespace across element boundaries.
 */
export class InlineBuffer {
  private readonly parts: string[] = [];
  private endsWithSpace = false;
  /** Closing delimiter of the wrapped piece just appended, while nothing has followed it. */
  private openWrapperClose: string | undefined;

  append(markdown: string): void {
    const piece = this.endsWithSpace && markdown.startsWith(' ') ? markdown.slice(1) : markdown;
    if (piece === '') return;
    const last = this.parts.length - 1;
    const previous = this.parts[last];
    // `![` would turn a link that follows an exclamation mark into an image.
    if (piece.startsWith('[') && previous?.endsWith('!') && !previous.endsWith('\\!')) {
      this.parts[last] = `${previous.slice(0, -1)}\\!`;
    }
    this.parts.push(piece);
    this.endsWithSpace = piece.endsWith(' ') || piece.endsWith('\n');
    this.openWrapperClose = undefined;
  }

  /**
   * Appends `open + content + close`; right after an identical wrapper the two are merged, since
   * `**a****b**` would not read as bold.
   */
  appendWrapped(open: string, content: string, close: string): void {
    const last = this.parts.length - 1;
    const previous = this.parts[last];
    if (this.openWrapperClose === close && previous?.endsWith(close)) {
      this.parts[last] = previous.slice(0, -close.length);
      this.append(content + close);
    } else {
      this.append(open + content + close);
    }
    this.openWrapperClose = close;
  }

  toString(): string {
    return this.parts.join('');
  }
}

interface Wrapper {
  readonly open: string;
  readonly close: string;
  readonly flag?: keyof InlineState;
}

const STRONG: Wrapper = { open: '**', close: '**', flag: 'strong' };
const EMPHASIS: Wrapper = { open: '*', close: '*', flag: 'emphasis' };
const STRIKE: Wrapper = { open: '~~', close: '~~', flag: 'strike' };
const UNDERLINE: Wrapper = { open: '<u>', close: '</u>', flag: 'underline' };

const WRAPPERS: Readonly<Record<string, Wrapper>> = {
  strong: STRONG,
  b: STRONG,
  em: EMPHASIS,
  i: EMPHASIS,
  cite: EMPHASIS,
  dfn: EMPHASIS,
  s: STRIKE,
  del: STRIKE,
  strike: STRIKE,
  u: UNDERLINE,
  ins: UNDERLINE,
  sub: { open: '<sub>', close: '</sub>' },
  sup: { open: '<sup>', close: '</sup>' },
};

const CODE_ELEMENTS = new Set(['code', 'tt', 'kbd', 'samp']);

function isEdgeSpace(code: number): boolean {
  return code === 32 || code === 10;
}

/** Splits Markdown into leading whitespace, the content, and trailing whitespace. */
export function splitEdges(markdown: string): [string, string, string] {
  let start = 0;
  let end = markdown.length;
  while (start < end && isEdgeSpace(markdown.charCodeAt(start))) start++;
  while (end > start && isEdgeSpace(markdown.charCodeAt(end - 1))) end--;
  return [markdown.slice(0, start), markdown.slice(start, end), markdown.slice(end)];
}

/**
 * Wraps rendered content in delimiters, moving its edge whitespace outside them: `** b**` would not be
 * emphasis, so `<b> b</b>` becomes ` **b**`.
 */
export function appendWrapped(out: InlineBuffer, content: string, open: string, close: string): void {
  const [lead, core, trail] = splitEdges(content);
  out.append(lead);
  if (core !== '') out.appendWrapped(open, core, close);
  out.append(trail);
}

/** Renders nodes as inline Markdown into a new string (whitespace collapsed, edges not trimmed). */
export function renderInlineToString(
  nodes: readonly StorageNode[],
  ctx: RenderContext,
  state: InlineState = {},
): string {
  const out = new InlineBuffer();
  renderInlineNodes(nodes, ctx, state, out);
  return out.toString();
}

export function renderInlineNodes(
  nodes: readonly StorageNode[],
  ctx: RenderContext,
  state: InlineState,
  out: InlineBuffer,
): void {
  for (const node of nodes) renderInlineNode(node, ctx, state, out);
}

/** Inline code for an element's text: line breaks become spaces, other whitespace is kept. */
export function inlineCode(text: string): string {
  const content = text.replace(/[\r\n\t\f]/g, ' ');
  return content === '' ? '' : codeSpan(content);
}

function renderWrapper(
  element: StorageElement,
  wrapper: Wrapper,
  ctx: RenderContext,
  state: InlineState,
  out: InlineBuffer,
): void {
  if (wrapper.flag !== undefined && state[wrapper.flag]) {
    renderInlineNodes(element.children, ctx, state, out);
    return;
  }
  const inner = wrapper.flag === undefined ? state : { ...state, [wrapper.flag]: true };
  appendWrapped(out, renderInlineToString(element.children, ctx, inner), wrapper.open, wrapper.close);
}

export function renderInlineNode(
  node: StorageNode,
  ctx: RenderContext,
  state: InlineState,
  out: InlineBuffer,
): void {
  if (node.type === 'text') {
    out.append(escapeText(collapseWhitespace(node.text), { inLinkText: state.link === true }));
    return;
  }
  const name = node.name;
  const wrapper = WRAPPERS[name];
  if (wrapper !== undefined) {
    renderWrapper(node, wrapper, ctx, state, out);
    return;
  }
  if (CODE_ELEMENTS.has(name)) {
    out.append(inlineCode(textContent(node)));
    return;
  }
  switch (name) {
    case 'br':
      out.append('\n');
      return;
    case 'a':
      renderHtmlLink(node, ctx, state, out);
      return;
    case 'ac:link':
      renderAcLink(node, ctx, state, out);
      return;
    case 'ac:image':
    case 'img':
      renderImage(node, ctx, out);
      return;
    case 'ac:emoticon':
      out.append(escapeText(emoticonText(node)));
      return;
    case 'time': {
      const datetime = attr(node, 'datetime');
      if (datetime) out.append(escapeText(collapseWhitespace(datetime)));
      else renderInlineNodes(node.children, ctx, state, out);
      return;
    }
    case 'ac:structured-macro':
    case 'ac:macro':
      renderInlineMacro(node, ctx, state, out);
      return;
    case KEEP_BLOCK_ELEMENT:
    case KEEP_INLINE_ELEMENT:
      if (ctx.editable) out.append(keepPlaceholder(node, name === KEEP_INLINE_ELEMENT));
      return;
  }
  if (HIDDEN_ELEMENTS.has(name) || name.startsWith('ri:')) return;
  if (BLOCK_ELEMENTS.has(name)) {
    out.append(' ');
    renderInlineNodes(node.children, ctx, state, out);
    out.append(' ');
    return;
  }
  renderInlineNodes(node.children, ctx, state, out);
}
