import { attr } from '../dom.js';
import { codeFence, escapeLineStart } from '../escape.js';
import { keepComment } from '../keep.js';
import type { StorageElement } from '../parse.js';
import type { MarkdownWriter } from './writer.js';

/** Trims spaces and non-breaking spaces at both ends of a line. */
export function trimLine(line: string): string {
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

/** The `confluence-keep` comment for a placeholder element of storage prepared for editing. */
export function keepPlaceholder(element: StorageElement, inline: boolean): string {
  return keepComment(attr(element, 'id') ?? '', attr(element, 'label') ?? '', inline);
}
