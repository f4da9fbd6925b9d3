import { attr, child, isBlankText, textContent } from '../dom.js';
import { HIDDEN_ELEMENTS } from '../elements.js';
import { KEEP_BLOCK_ELEMENT } from '../keep.js';
import type { RenderContext } from '../options.js';
import type { StorageElement, StorageNode } from '../parse.js';
import { isBlockNode } from './block-node.js';
import { keepPlaceholder, trimLine, writeCodeBlock, writeParagraph } from './block-writing.js';
import type { MarkdownContext, RenderApi } from './context.js';
import { renderInlineNodes, renderInlineToString } from './inline.js';
import { renderList, renderTaskList } from './lists.js';
import { renderAdfNode, renderBlockMacro } from './macros.js';
import { renderTable } from './tables.js';
import { MarkdownWriter } from './writer.js';

function isMacro(node: StorageNode): boolean {
  return node.type === 'element' && (node.name === 'ac:structured-macro' || node.name === 'ac:macro');
}

/**
 * Writes a run of inline nodes as a paragraph. Macros standing alone between blocks (outside any `<p>`) are
 * block-level in Confluence, so a run made only of macros gets one paragraph per macro.
 */
function writeRun(run: readonly StorageNode[], ctx: MarkdownContext, writer: MarkdownWriter): void {
  const content = run.filter((node) => !isBlankText(node));
  if (content.length > 1 && content.every(isMacro)) {
    for (const macro of content) writeParagraph(renderInlineToString([macro], ctx), writer);
  } else if (content.length > 0) {
    writeParagraph(renderInlineToString(run, ctx), writer);
  }
}

/** Renders mixed content as blocks, gathering runs of inline nodes into paragraphs. */
export function renderBlocks(
  nodes: readonly StorageNode[],
  ctx: MarkdownContext,
  writer: MarkdownWriter,
): void {
  let run: StorageNode[] = [];
  for (const node of nodes) {
    if (!isBlockNode(node)) {
      run.push(node);
      continue;
    }
    if (run.length > 0) {
      writeRun(run, ctx, writer);
      run = [];
    }
    if (node.type === 'element') renderBlock(node, ctx, writer);
  }
  if (run.length > 0) writeRun(run, ctx, writer);
}

/** Renders blocks into a Markdown string of their own, e.g. for a table cell. */
export function renderBlocksToString(nodes: readonly StorageNode[], ctx: MarkdownContext): string {
  const writer = new MarkdownWriter();
  renderBlocks(nodes, ctx, writer);
  return writer.toString();
}

/** Renders text found directly in an element whose other children are rendered selectively. */
export function renderStrayText(element: StorageElement, ctx: MarkdownContext, writer: MarkdownWriter): void {
  const stray = element.children.filter((node) => node.type === 'text' && !isBlankText(node));
  if (stray.length > 0) writeParagraph(renderInlineToString(stray, ctx), writer);
}

function renderHeading(element: StorageElement, ctx: MarkdownContext, writer: MarkdownWriter): void {
  const level = Number(element.name.slice(1));
  const text = trimLine(renderInlineToString(element.children, ctx).replace(/ ?\n ?/g, ' '));
  if (text === '') return;
  // A closing run of `#` after a space would be read as the heading's optional closing sequence.
  const content = text.replace(/(^|[ \t])(#+)$/, '$1\\$2');
  writer.write([`${'#'.repeat(level)} ${content}`], 'heading');
}

/** Renders nodes inside a blockquote. */
export function renderQuote(
  nodes: readonly StorageNode[],
  ctx: MarkdownContext,
  writer: MarkdownWriter,
): void {
  writer.enter(undefined, '> ');
  renderBlocks(nodes, ctx, writer);
  writer.exit();
}

function renderPre(element: StorageElement, writer: MarkdownWriter): void {
  const content = textContent(element).replace(/^\r?\n/, '');
  const language = /(?:^|\s)(?:language|lang)-([\w+#.-]+)/.exec(attr(element, 'class') ?? '')?.[1] ?? '';
  writeCodeBlock(writer, content, language);
}

function hasVisibleContent(nodes: readonly StorageNode[]): boolean {
  return nodes.some((node) =>
    node.type === 'text'
      ? /[^\s\u00a0]/.test(node.text)
      : node.name !== 'br' &&
        !HIDDEN_ELEMENTS.has(node.name) &&
        (node.name !== 'p' || hasVisibleContent(node.children)),
  );
}

/** Layout cells in reading order; cells of one section are separated by a thematic break. */
function renderLayout(layout: StorageElement, ctx: MarkdownContext, writer: MarkdownWriter): void {
  for (const node of layout.children) {
    if (node.type !== 'element') continue;
    const cells = node.name === 'ac:layout-section' ? node.children : [node];
    let previous = false;
    for (const cell of cells) {
      if (cell.type !== 'element' || !hasVisibleContent(cell.children)) continue;
      if (previous) writer.write(['---'], 'break');
      renderBlocks(cell.children, ctx, writer);
      previous = true;
    }
  }
  renderStrayText(layout, ctx, writer);
}

function renderAdfExtension(element: StorageElement, ctx: MarkdownContext, writer: MarkdownWriter): void {
  const node = child(element, 'ac:adf-node');
  if (node !== undefined && renderAdfNode(node, ctx, writer)) return;
  // The fallback is the storage the editor itself shows when it cannot render the node.
  const fallback = child(element, 'ac:adf-fallback');
  renderBlocks((fallback ?? element).children, ctx, writer);
}

/** Renders one block-level element. */
export function renderBlock(element: StorageElement, ctx: MarkdownContext, writer: MarkdownWriter): void {
  switch (element.name) {
    case 'h1':
    case 'h2':
    case 'h3':
    case 'h4':
    case 'h5':
    case 'h6':
      renderHeading(element, ctx, writer);
      return;
    case 'ul':
    case 'ol':
      renderList(element, ctx, writer);
      return;
    case 'ac:task-list':
      renderTaskList(element, ctx, writer);
      return;
    case 'blockquote':
      renderQuote(element.children, ctx, writer);
      return;
    case 'pre':
      renderPre(element, writer);
      return;
    case 'hr':
      writer.write(['---'], 'break');
      return;
    case 'table':
      renderTable(element, ctx, writer);
      return;
    case 'ac:layout':
      renderLayout(element, ctx, writer);
      return;
    case 'ac:structured-macro':
    case 'ac:macro':
      renderBlockMacro(element, ctx, writer);
      return;
    case 'ac:adf-extension':
      renderAdfExtension(element, ctx, writer);
      return;
    case KEEP_BLOCK_ELEMENT:
      if (ctx.editable) writer.write([keepPlaceholder(element, false)], 'keep');
      return;
  }
  if (!HIDDEN_ELEMENTS.has(element.name)) renderBlocks(element.children, ctx, writer);
}

/** The recursive renderers every leaf renderer reaches through its context. */
export const MARKDOWN_RENDERERS: RenderApi = {
  renderBlocks,
  renderBlocksToString,
  renderQuote,
  renderStrayText,
  renderInlineToString,
  renderInlineNodes,
};

/** A render context with the recursive renderers added. */
export function markdownContext(ctx: RenderContext): MarkdownContext {
  return { ...ctx, render: MARKDOWN_RENDERERS };
}
