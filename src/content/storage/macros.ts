import { ALERTS } from '../macro-forms.js';
import type { Token } from './markdown-parser.js';
import { cdata, structuredMacro } from './xhtml.js';

// GitHub alert types back to panel macros: the first macro storageToMarkdown maps to each. IMPORTANT, which
// storageToMarkdown never writes, becomes the yellow `note` panel.
const ALERT_MACROS = new Map<string, string>([['IMPORTANT', 'note']]);
for (const [macro, alert] of Object.entries(ALERTS)) {
  if (!ALERT_MACROS.has(alert)) ALERT_MACROS.set(alert, macro);
}

/** The language and `key="value"` parameters of a fence's info string, e.g. `python title="setup.py"`. */
export function codeParameters(info: string): [string, string][] {
  const trimmed = info.trim();
  const language = /^[^\s"=]+(?=\s|$)/.exec(trimmed)?.[0] ?? '';
  const parameters: [string, string][] = [];
  if (language !== '') parameters.push(['language', language]);
  const rest = trimmed.slice(language.length);
  for (const match of rest.matchAll(/([\w-]+)=(?:"([^"]*)"|(\S+))/g)) {
    const name = match[1] ?? '';
    if (name === 'language' || parameters.some(([existing]) => existing === name)) continue;
    parameters.push([name, match[2] ?? match[3] ?? '']);
  }
  return parameters;
}

/**
 * A code macro for a fenced or indented code block (a `noformat` macro for the info string `noformat`); the body
 * is kept exactly, in CDATA.
 */
export function codeMacro(token: Token): string {
  // markdown-it ends every code block with a newline; storageToMarkdown writes content with no newline added.
  const content = token.content.endsWith('\n') ? token.content.slice(0, -1) : token.content;
  const parameters = token.type === 'fence' ? codeParameters(token.info) : [];
  const noformat = parameters[0]?.[0] === 'language' && parameters[0][1] === 'noformat';
  return structuredMacro(noformat ? 'noformat' : 'code', noformat ? parameters.slice(1) : parameters, {
    kind: 'plain',
    storage: cdata(content),
  });
}

/** The alert a blockquote opens with, `[!NOTE]` alone on its first line, read off its first paragraph. */
export interface Alert {
  readonly macro: string;
  readonly title: string | undefined;
}

function isBlankText(token: Token | undefined): boolean {
  return token !== undefined && token.type === 'text' && token.content === '';
}

/**
 * When the blockquote starting at `index` is a GitHub alert, returns its panel macro and title (a bold line of
 * its own right after the marker) and removes both from the tokens.
 */
export function takeAlert(tokens: readonly Token[], index: number): Alert | undefined {
  const paragraph = tokens[index + 1];
  const inline = tokens[index + 2];
  const children = inline?.children;
  if (paragraph?.type !== 'paragraph_open' || inline?.type !== 'inline' || !children) return undefined;
  const [first, second] = children;
  const type = /^\[!([A-Za-z]+)\][ \t]*$/
    .exec(first?.type === 'text' ? first.content : '')?.[1]
    ?.toUpperCase();
  const macro = type === undefined ? undefined : ALERT_MACROS.get(type);
  if (macro === undefined || (second !== undefined && second.type !== 'softbreak')) return undefined;
  let rest = children.slice(2);
  const content = rest.filter((token) => !isBlankText(token));
  let title: string | undefined;
  if (
    content.length >= 3 &&
    content[0]?.type === 'strong_open' &&
    content[content.length - 1]?.type === 'strong_close' &&
    content.slice(1, -1).every((token) => token.type === 'text' || token.type === 'text_special')
  ) {
    title = content
      .slice(1, -1)
      .map((token) => token.content)
      .join('');
    rest = [];
  }
  inline.children = rest;
  return { macro, title };
}
