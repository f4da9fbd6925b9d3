import { codeSpan } from '../escape.js';

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
 * Like {@link splitEdges}, but any Unicode whitespace counts, a non-breaking space too: CommonMark opens emphasis
 * only before a non-whitespace character, so `*\u00a0text*` would read as literal asterisks.
 */
function splitWrapperEdges(markdown: string): [string, string, string] {
  const lead = /^\s*/.exec(markdown)?.[0] ?? '';
  const rest = markdown.slice(lead.length);
  const trail = /\s*$/.exec(rest)?.[0] ?? '';
  return [lead, rest.slice(0, rest.length - trail.length), trail];
}

/**
 * Wraps rendered content in delimiters, moving its edge whitespace outside them: `** b**` would not be
 * emphasis, so `<b> b</b>` becomes ` **b**` and `<em>&nbsp;b</em>` becomes `&nbsp;*b*` (as a character).
 */
export function appendWrapped(out: InlineBuffer, content: string, open: string, close: string): void {
  const [lead, core, trail] = splitWrapperEdges(content);
  out.append(lead);
  if (core !== '') out.appendWrapped(open, core, close);
  out.append(trail);
}

/** Inline code for an element's text: line breaks become spaces, other whitespace is kept. */
export function inlineCode(text: string): string {
  const content = text.replace(/[\r\n\t\f]/g, ' ');
  return content === '' ? '' : codeSpan(content);
}
