import { attr, collapseWhitespace, textContent } from '../dom.js';
import { BLOCK_ELEMENTS, HIDDEN_ELEMENTS } from '../elements.js';
import { emoticonText } from '../emoticons.js';
import { escapeText } from '../escape.js';
import { KEEP_BLOCK_ELEMENT, KEEP_INLINE_ELEMENT } from '../keep.js';
import type { InlineState } from '../options.js';
import type { StorageElement, StorageNode } from '../parse.js';
import { keepPlaceholder } from './block-writing.js';
import type { MarkdownContext } from './context.js';
import { appendWrapped, InlineBuffer, inlineCode } from './inline-buffer.js';
import { renderAcLink, renderHtmlLink, renderImage } from './links.js';
import { renderInlineMacro } from './macros.js';

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

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The Markdown of a date chip: `[2024-01-15](confluence-date:)`, a link like the other Confluence references, so
 * it reads as its date and converts back to a chip while a date in plain text stays text.
 */
export function dateChip(date: string): string {
  return `[${date}](confluence-date:)`;
}

/** Renders nodes as inline Markdown into a new string (whitespace collapsed, edges not trimmed). */
export function renderInlineToString(
  nodes: readonly StorageNode[],
  ctx: MarkdownContext,
  state: InlineState = {},
): string {
  const out = new InlineBuffer();
  renderInlineNodes(nodes, ctx, state, out);
  return out.toString();
}

export function renderInlineNodes(
  nodes: readonly StorageNode[],
  ctx: MarkdownContext,
  state: InlineState,
  out: InlineBuffer,
): void {
  for (const node of nodes) renderInlineNode(node, ctx, state, out);
}

function renderWrapper(
  element: StorageElement,
  wrapper: Wrapper,
  ctx: MarkdownContext,
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
  ctx: MarkdownContext,
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
      const datetime = attr(node, 'datetime')?.trim();
      // A date chip is written as the HTML element it is, so it reads back as a chip and plain dates stay text.
      if (datetime !== undefined && ISO_DATE.test(datetime) && !state.link) out.append(dateChip(datetime));
      else if (datetime) out.append(escapeText(collapseWhitespace(datetime)));
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
