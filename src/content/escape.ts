const ASCII_PUNCTUATION = /[!-/:-@[-`{-~]/;
const ALNUM = /[\p{L}\p{N}]/u;

function isAlnum(char: string | undefined): boolean {
  return char !== undefined && ALNUM.test(char);
}

export interface EscapeTextOptions {
  /** Also escape `]`, needed inside link text and image alt text. */
  readonly inLinkText?: boolean;
}

/**
 * Escapes the characters of plain text that Markdown would read as syntax anywhere in a line, leaving prose
 * readable: `_` only where it could open or close emphasis, `\` only before punctuation, `<` only before what
 * could be a tag, `&` only before what could be an entity, `~` only when a second one could pair with it.
 * Characters significant only at the start of a line are handled by {@link escapeLineStart}.
 */
export function escapeText(text: string, options: EscapeTextOptions = {}): string {
  if (!/[\\`*_[\]<&~]/.test(text)) return text;
  const tildes = text.indexOf('~') !== text.lastIndexOf('~');
  return text.replace(/[\\`*_[\]<&~]/g, (char: string, offset: number) => {
    const next = text[offset + 1];
    switch (char) {
      case '\\':
        return next === undefined || ASCII_PUNCTUATION.test(next) ? '\\\\' : char;
      case '_':
        return isAlnum(text[offset - 1]) && isAlnum(next) ? char : '\\_';
      case ']':
        return options.inLinkText ? '\\]' : char;
      case '<':
        return next !== undefined && /[A-Za-z/!?]/.test(next) ? '\\<' : char;
      case '&':
        return /^&(?:#\d+|#[xX][\da-fA-F]+|[A-Za-z][A-Za-z\d]*);/.test(text.slice(offset, offset + 40))
          ? '\\&'
          : char;
      case '~':
        return tildes ? '\\~' : char;
      default:
        return `\\${char}`;
    }
  });
}

/**
 * Escapes what would make a line of paragraph text start a heading, quote, list, fence, thematic break,
 * setext underline or table delimiter row.
 */
export function escapeLineStart(line: string): string {
  if (/^(?:#{1,6}(?:[ \t]|$)|>|[+-](?:[ \t]|$)|~{3,})/.test(line)) return `\\${line}`;
  const ordered = /^(\d{1,9})[.)](?=[ \t]|$)/.exec(line);
  if (ordered?.[1] !== undefined) return `${ordered[1]}\\${line.slice(ordered[1].length)}`;
  if (/^(?:=+|-+|(?:[-*_][ \t]*){3,})[ \t]*$/.test(line)) return `\\${line}`;
  // A line like `--- | ---` under a line with a pipe would turn the paragraph into a table.
  if (/^[|:-][-|: \t]*$/.test(line) && line.includes('-') && line.includes('|')) return `\\${line}`;
  return line;
}

/** An inline code span for the content, with a fence longer than any backtick run inside it. */
export function codeSpan(content: string): string {
  const runs = new Set((content.match(/`+/g) ?? []).map((run) => run.length));
  let length = 1;
  while (runs.has(length)) length++;
  const fence = '`'.repeat(length);
  const pad =
    content.startsWith('`') || content.endsWith('`') || (/^ .*[^ ].* $/s.test(content) && content.length > 2);
  return pad ? `${fence} ${content} ${fence}` : `${fence}${content}${fence}`;
}

/** A backtick fence at least three long and longer than any backtick run in the content. */
export function codeFence(content: string): string {
  let longest = 0;
  for (const run of content.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return '`'.repeat(Math.max(3, longest + 1));
}

/** A link or image destination: bare when safe, otherwise in angle brackets. */
export function linkDestination(url: string): string {
  const clean = url.replace(/[\r\n]+/g, '').replace(/\\/g, '\\\\');
  let depth = 0;
  let balanced = true;
  for (const char of clean) {
    if (char === '(') depth++;
    else if (char === ')' && --depth < 0) balanced = false;
  }
  if (clean !== '' && balanced && depth === 0 && !/[\s<>\p{Cc}]/u.test(clean)) return clean;
  return `<${clean.replace(/</g, '\\<').replace(/>/g, '\\>')}>`;
}

/** Escapes text for an HTML element's content or a double-quoted attribute value. */
const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (char) => HTML_ESCAPES[char] ?? char);
}
