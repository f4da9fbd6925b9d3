import { attr, child, isBlankText, textContent } from '../dom.js';
import { BLOCK_ELEMENTS, HIDDEN_ELEMENTS } from '../elements.js';
import { codeFence, escapeLineStart } from '../escape.js';
import { KEEP_BLOCK_ELEMENT, keepComment } from '../keep.js';
import type { RenderContext } from '../options.js';
import type { StorageElement, StorageNode } from '../parse.js';
import { renderInlineToString } from './inline.js';
import { renderList, renderTaskList } from './lists.js';
import { isBlockMacro, renderBlockMacro } from './macros.js';
import { renderTable } from './tables.js';
import { MarkdownWriter } from './writer.js';

/** True for nodes that form a block of their own rather than flowing inside a paragraph. */
export function isBlockNode(node: StorageNode): boolean {
  if (node.type === 'text') return false;
  if (node.name === 'ac:structured-macro' || node.name === 'ac:macro') return isBlockMacro(node);
  return BLOCK_ELEMENTS.has(node.name);
}

function trimLine(line: string): string {
  return line.replace(/^[ \u00a0]+|[ \u00a0]+$/g, '');
}

/**
 * Lines of a paragraph from inline Markdown: `\n` hard breaks become a trailing backslash, two breaks in a row
 * a paragraph break, and each line is escaped so it cannot start another kind of block.
 */
export function paragraphLines(markdown: string): string[] {
  const lines: string[] = [];
  for (const raw of markdown.split('\n')) {
    const line = trimLine(raw);
    if (line !== '') lines.push(escapeLineStart(line));
    else if (lines.length > 0 && lines[lines.length - 1] !== '') lines.push('');
  }
  if (lines[lines.length - 1] === '') lines.pop();
  for (let index = 0; index < lines.length - 1; index++) {
    if (lines[index] !== '' && lines[index + 1] !== '') lines[index] += '\\';
  }
  return lines;
}

/** Writes inline Markdown as a paragraph; writes nothing when it is blank. */
export function writeParagraph(markdown: string, writer: MarkdownWriter): void {
  const lines = paragraphLines(markdown);
  if (lines.length > 0) writer.write(lines, 'paragraph');
}

/**
 * Writes a fenced code block holding the content exactly: its lines, then the closing fence, so content ending
 * in a newline shows a last blank line and reads back byte for byte.
 */
export function writeCodeBlock(writer: MarkdownWriter, content: string, info = ''): void {
  const fence = codeFence(content);
  const lines = content === '' ? [] : content.split('\n');
  writer.write([fence + info, ...lines, fence], 'code');
}

function isMacro(node: StorageNode): boolean {
  return node.type === 'element' && (node.name === 'ac:structured-macro' || node.name === 'ac:macro');
}

/**
 * Writes a run of inline nodes as a paragraph. Macros standing alone between blocks (outside any `<p>`) are
 * block-level in Confluence, so a run made only of macros gets one paragraph per macro.
 */
function writeRun(run: readonly StorageNode[], ctx: RenderContext, writer: MarkdownWriter): void {
  const content = run.filter((node) => !isBlankText(node));
  if (content.length > 1 && content.every(isMacro)) {
    for (const macro of content) writeParagraph(renderInlineToString([macro], ctx), writer);
  } else if (content.length > 0) {
    writeParagraph(renderInlineToString(run, ctx), writer);
  }
}

/**
 * Renders mixed content as blocks, gathering runs of inline nodes into paragraphs. `rendered`, when given, is told
 * of each group of nodes just after it is written (a block element, or a run of inline nodes), so a caller can map
 * what the writer holds back to the nodes it came from.
 */
export function renderBlocks<Node extends StorageNode>(
  nodes: readonly Node[],
  ctx: RenderContext,
  writer: MarkdownWriter,
  rendered?: (group: readonly Node[]) => void,
): void {
  let run: Node[] = [];
  for (const node of nodes) {
    if (!isBlockNode(node)) {
      run.push(node);
      continue;
    }
    if (run.length > 0) {
      writeRun(run, ctx, writer);
      rendered?.(run);
      run = [];
    }
    if (node.type === 'element') renderBlock(node, ctx, writer);
    rendered?.([node]);
  }
  if (run.length > 0) {
    writeRun(run, ctx, writer);
    rendered?.(run);
  }
}

/** Renders blocks into a Markdown string of their own, e.g. for a table cell. */
export function renderBlocksToString(nodes: readonly StorageNode[], ctx: RenderContext): string {
  const writer = new MarkdownWriter();
  renderBlocks(nodes, ctx, writer);
  return writer.toString();
}

/** Renders text found directly in an element whose other children are rendered selectively. */
export function renderStrayText(element: StorageElement, ctx: RenderContext, writer: MarkdownWriter): void {
  const stray = element.children.filter((node) => node.type === 'text' && !isBlankText(node));
  if (stray.length > 0) writeParagraph(renderInlineToString(stray, ctx), writer);
}

function renderHeading(element: StorageElement, ctx: RenderContext, writer: MarkdownWriter): void {
  const level = Number(element.name.slice(1));
  const text = trimLine(renderInlineToString(element.children, ctx).replace(/ ?\n ?/g, ' '));
  if (text === '') return;
  // A closing run of `#` after a space would be read as the heading's optional closing sequence.
  const content = text.replace(/(^|[ \t])(#+)$/, '$1\\$2');
  writer.write([`${'#'.repeat(level)} ${content}`], 'heading');
}

/** Renders nodes inside a blockquote. */
export function renderQuote(nodes: readonly StorageNode[], ctx: RenderContext, writer: MarkdownWriter): void {
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
function renderLayout(layout: StorageElement, ctx: RenderContext, writer: MarkdownWriter): void {
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

function renderAdfExtension(element: StorageElement, ctx: RenderContext, writer: MarkdownWriter): void {
  // The fallback is the storage the editor itself shows when it cannot render the node.
  const fallback = child(element, 'ac:adf-fallback');
  renderBlocks((fallback ?? element).children, ctx, writer);
}

/** The `confluence-keep` comment for a placeholder element of storage prepared for editing. */
export function keepPlaceholder(element: StorageElement, inline: boolean): string {
  return keepComment(attr(element, 'id') ?? '', attr(element, 'label') ?? '', inline);
}

/** Renders one block-level element. */
export function renderBlock(element: StorageElement, ctx: RenderContext, writer: MarkdownWriter): void {
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
