import { attr } from '../dom.js';
import { codeFence, escapeLineStart } from '../escape.js';
import { keepComment } from '../keep.js';
import type { StorageElement } from '../parse.js';
import type { MarkdownWriter } from './writer.js';

/** Trims spaces and non-breaking spaces at both ends of a line. */
export function trimLine(line: string): string {
  return line.replace(/^[ \u00a0]+|[ \u00a0]+$/g, '');
}

// Whitespace that HTML does not collapse: the non-breaking space, the en, em, thin and ideographic spaces…
const KEPT_SPACES = '\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff';
const ONLY_SPACES = new RegExp(`^[ ${KEPT_SPACES}]*$`);
const EDGE_KEPT_SPACES = new RegExp(`^[${KEPT_SPACES}]+|[${KEPT_SPACES}]+$`, 'g');

const characterReferences = (run: string): string =>
  Array.from(run, (char) => `&#${char.codePointAt(0)};`).join('');

/**
 * One line of inline Markdown as a block keeps it: spaces trimmed, and whitespace HTML does not collapse written
 * as character references at the line's ends, where a reader would drop it raw (GFM trims table cells; a save
 * trims the end of each block it converts, which lost an em space after a `<br />` and left its break a literal
 * backslash). A non-breaking space is filler at the start of a paragraph and at the end of a line, as Confluence's
 * editor leaves it; after a break it is indentation, or all the line holds, and is kept.
 */
export function visibleLine(raw: string, afterBreak: boolean): string {
  const spaced = raw.replace(/^ +| +$/g, '');
  let line: string;
  if (ONLY_SPACES.test(spaced)) line = afterBreak ? spaced : '';
  else line = afterBreak ? spaced.replace(/[ \u00a0]+$/, '') : trimLine(spaced);
  return line.replace(EDGE_KEPT_SPACES, characterReferences);
}

/**
 * Lines of a paragraph from inline Markdown: `\n` hard breaks become a trailing backslash, two breaks in a row
 * a paragraph break, and each line is escaped so it cannot start another kind of block.
 */
export function paragraphLines(markdown: string): string[] {
  const lines: string[] = [];
  for (const raw of markdown.split('\n')) {
    // A line after a blank one starts a paragraph of its own.
    const line = visibleLine(raw, lines.length > 0 && lines[lines.length - 1] !== '');
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
