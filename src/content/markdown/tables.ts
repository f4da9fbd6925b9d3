import { attr, isBlankText } from '../dom.js';
import type { StorageElement, StorageNode } from '../parse.js';
import { isBlockNode } from './block-node.js';
import { visibleLine, writeParagraph } from './block-writing.js';
import type { MarkdownContext } from './context.js';
import type { MarkdownWriter } from './writer.js';

interface Table {
  readonly caption: StorageElement | undefined;
  readonly rows: StorageElement[][];
  readonly stray: StorageNode[];
}

function syntheticCell(node: StorageNode): StorageElement {
  return { type: 'element', name: 'td', attrs: {}, children: [node] };
}

function cellsOf(row: StorageElement): StorageElement[] {
  const cells: StorageElement[] = [];
  for (const node of row.children) {
    if (node.type === 'element' && (node.name === 'td' || node.name === 'th')) cells.push(node);
    else if (!isBlankText(node)) cells.push(syntheticCell(node));
  }
  return cells;
}

/** Rows from the table's own `tr`s and those of its `thead`/`tbody`/`tfoot`; anything else is kept as stray. */
function readTable(table: StorageElement): Table {
  const rows: StorageElement[][] = [];
  const stray: StorageNode[] = [];
  let caption: StorageElement | undefined;
  const visit = (nodes: readonly StorageNode[], inSection: boolean): void => {
    for (const node of nodes) {
      if (node.type === 'text') {
        if (!isBlankText(node)) stray.push(node);
      } else if (node.name === 'tr') {
        rows.push(cellsOf(node));
      } else if (!inSection && (node.name === 'thead' || node.name === 'tbody' || node.name === 'tfoot')) {
        visit(node.children, true);
      } else if (node.name === 'caption') {
        caption = node;
      } else if (node.name !== 'colgroup' && node.name !== 'col') {
        stray.push(node);
      }
    }
  };
  visit(table.children, false);
  return { caption, rows, stray };
}

function span(cell: StorageElement, name: string): number {
  const value = Number.parseInt(attr(cell, name) ?? '1', 10);
  return value > 1 ? Math.min(value, 1000) : 1;
}

function hasContent(nodes: readonly StorageNode[]): boolean {
  return nodes.some((node) => (node.type === 'text' ? !isBlankText(node) : node.name !== 'br'));
}

/**
 * True when the cell holds at most one paragraph of inline content: more paragraphs, lists, code, nested
 * tables and other blocks cannot be written in a pipe-table cell.
 */
function isInlineCell(cell: StorageElement): boolean {
  let blocks = 0;
  let inInlineRun = false;
  for (const node of cell.children) {
    if (!isBlockNode(node)) {
      if (!inInlineRun && !isBlankText(node)) {
        inInlineRun = true;
        blocks++;
      }
      continue;
    }
    inInlineRun = false;
    if (
      node.type !== 'element' ||
      (node.name !== 'p' && node.name !== 'div') ||
      node.children.some(isBlockNode)
    ) {
      return false;
    }
    if (hasContent(node.children)) blocks++;
  }
  return blocks <= 1;
}

function isSimpleCell(cell: StorageElement): boolean {
  return span(cell, 'colspan') === 1 && span(cell, 'rowspan') === 1 && isInlineCell(cell);
}

/** A cell's inline Markdown on one line, line breaks as `<br>` (blank lines dropped). */
function inlineCell(cell: StorageElement, ctx: MarkdownContext): string {
  const parts: string[] = [];
  for (const line of ctx.render.renderInlineToString(cell.children, ctx).split('\n')) {
    const visible = visibleLine(line, parts.length > 0);
    if (visible !== '') parts.push(visible);
  }
  return parts.join('<br>');
}

function writePipeTable(
  rows: readonly StorageElement[][],
  ctx: MarkdownContext,
  writer: MarkdownWriter,
): void {
  const cellCtx: MarkdownContext = { ...ctx, inListItem: false };
  let columns = 0;
  for (const row of rows) columns = Math.max(columns, row.length);
  const lines: string[] = [];
  rows.forEach((row, index) => {
    const cells: string[] = [];
    for (let column = 0; column < columns; column++) {
      const cell = row[column];
      // GFM splits rows on `|` before reading inline code, so every pipe is escaped, even inside code.
      cells.push(cell === undefined ? '' : inlineCell(cell, cellCtx).replace(/\|/g, '\\|'));
    }
    lines.push(`| ${cells.join(' | ')} |`);
    if (index === 0) lines.push(`|${' --- |'.repeat(columns)}`);
  });
  writer.write(lines, 'table');
}

// Cell Markdown with nothing a Markdown reader would format or an HTML reader would take as markup.
const PLAIN_CELL = /^[^*_`[\]\\<>~!&|#]*$/;

function htmlCellLines(cell: StorageElement, ctx: MarkdownContext): string[] {
  const tag = cell.name === 'th' ? 'th' : 'td';
  const colspan = span(cell, 'colspan');
  const rowspan = span(cell, 'rowspan');
  const attrs = `${colspan > 1 ? ` colspan="${colspan}"` : ''}${rowspan > 1 ? ` rowspan="${rowspan}"` : ''}`;
  if (isInlineCell(cell)) {
    const inline = inlineCell(cell, ctx);
    // Plain text reads the same anywhere; anything Markdown would format goes in block form below.
    if (PLAIN_CELL.test(inline)) return [`<${tag}${attrs}>${inline}</${tag}>`];
  }
  // Blank lines around the Markdown let GFM renderers read it as Markdown; on the tag's line it shows literally.
  const markdown = ctx.render.renderBlocksToString(cell.children, ctx);
  if (markdown === '') return [`<${tag}${attrs}></${tag}>`];
  return [`<${tag}${attrs}>`, '', ...markdown.split('\n'), '', `</${tag}>`];
}

function writeHtmlTable(
  rows: readonly StorageElement[][],
  ctx: MarkdownContext,
  writer: MarkdownWriter,
): void {
  const cellCtx: MarkdownContext = { ...ctx, inListItem: false };
  const lines = ['<table>'];
  for (const row of rows) {
    lines.push('<tr>');
    for (const cell of row) lines.push(...htmlCellLines(cell, cellCtx));
    lines.push('</tr>');
  }
  lines.push('</table>');
  writer.write(lines, 'table');
}

/**
 * True when a pipe table reads back as the same table: the first row all header cells, no header cells below it,
 * every row as wide. Only Markdown for editing asks this; for reading, a pipe table is clearer.
 */
function keepsShape(rows: readonly StorageElement[][]): boolean {
  const [first, ...rest] = rows;
  if (first === undefined) return true;
  return (
    first.every((cell) => cell.name === 'th') &&
    rest.every((row) => row.length === first.length && row.every((cell) => cell.name !== 'th'))
  );
}

/**
 * Renders a table as a GitHub pipe table (first row as header) when every cell is a single unmerged run of
 * inline content, otherwise as an HTML table whose cells hold Markdown. Markdown for editing also needs the
 * pipe table to keep the header cells where they are.
 */
export function renderTable(table: StorageElement, ctx: MarkdownContext, writer: MarkdownWriter): void {
  const { caption, rows, stray } = readTable(table);
  if (caption !== undefined) writeParagraph(ctx.render.renderInlineToString(caption.children, ctx), writer);
  const nonEmpty = rows.filter((row) => row.length > 0);
  if (nonEmpty.length > 0) {
    const simple = nonEmpty.every((row) => row.every(isSimpleCell));
    if (simple && (!ctx.editable || keepsShape(nonEmpty))) writePipeTable(nonEmpty, ctx, writer);
    else writeHtmlTable(nonEmpty, ctx, writer);
  }
  ctx.render.renderBlocks(stray, ctx, writer);
}
