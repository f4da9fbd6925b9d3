import { createRequire } from 'node:module';
import type MarkdownItConstructor from 'markdown-it';
import type { MarkdownIt as MarkdownItInstance, StateBlock, Token } from 'markdown-it';
import { INLINE_KEEP_PREFIX } from '../keep.js';

/**
 * Containers nested deeper than this (each list counts twice: list and item) are not parsed further; what they
 * hold is kept as plain text. markdown-it itself would silently drop it at its `maxNesting`.
 */
export const MAX_BLOCK_NESTING = 120;

type BlockRule = (state: StateBlock, startLine: number, endLine: number, silent: boolean) => boolean;

function lineText(state: StateBlock, line: number): string {
  const start = (state.bMarks[line] ?? 0) + (state.tShift[line] ?? 0);
  return state.src.slice(start, state.eMarks[line]);
}

/** Keeps what lies deeper than {@link MAX_BLOCK_NESTING} as one `too_deep` token of raw text. */
function depthGuard(state: StateBlock, startLine: number, endLine: number, silent: boolean): boolean {
  if (state.level < MAX_BLOCK_NESTING || silent) return false;
  const token = state.push('too_deep', '', 0);
  token.content = state.getLines(startLine, endLine, state.blkIndent, false);
  token.map = [startLine, endLine];
  state.line = endLine;
  return true;
}

/**
 * An inline placeholder at the start of a line would otherwise open an HTML block (CommonMark treats any line
 * starting with `<!--` so) and split its paragraph; here it stays inline.
 */
function htmlBlockExceptInlinePlaceholders(original: BlockRule): BlockRule {
  return (state, startLine, endLine, silent) => {
    if (lineText(state, startLine).startsWith(INLINE_KEEP_PREFIX)) return false;
    return original(state, startLine, endLine, silent);
  };
}

// markdown-it loads with the first parse, synchronously through its CommonJS build (the parse functions are
// synchronous): a server that never writes a page never loads it.
const require = createRequire(import.meta.url);

function createParser(): MarkdownItInstance {
  const MarkdownIt = require('markdown-it') as typeof MarkdownItConstructor;
  const md = new MarkdownIt('default', {
    html: true,
    linkify: true,
    typographer: false,
    maxNesting: MAX_BLOCK_NESTING + 20,
  });
  // Only links with a scheme are found in text: `README.md` or `node.js` must stay text.
  md.linkify.set({ fuzzyLink: false, fuzzyEmail: false, fuzzyIP: false });
  md.linkify.add('//', null);
  // Destinations are kept as written, so references such as `confluence-page:ENG/Title` survive exactly.
  md.normalizeLink = (url) => url;
  md.normalizeLinkText = (url) => url;
  // Escaped characters stay separate `text_special` tokens, so `\[Table of contents]` is not read as a marker.
  md.core.ruler.disable('text_join');
  const htmlBlock = md.block.ruler.__rules__.find((rule) => rule.name === 'html_block');
  if (htmlBlock !== undefined) {
    md.block.ruler.at('html_block', htmlBlockExceptInlinePlaceholders(htmlBlock.fn), {
      alt: [...htmlBlock.alt],
    });
  }
  md.block.ruler.before('table', 'depth_guard', depthGuard);
  return md;
}

let built: MarkdownItInstance | undefined;
const parser = (): MarkdownItInstance => {
  built ??= createParser();
  return built;
};

/** Block tokens of GitHub-flavoured Markdown (tables, strikethrough, autolinks, raw HTML). */
export function parseMarkdown(markdown: string): Token[] {
  return parser().parse(markdown, {});
}

/** Inline tokens of one line or span of Markdown. */
export function parseInlineMarkdown(markdown: string): Token[] {
  const [inline] = parser().parseInline(markdown, {});
  return inline?.children ?? [];
}

export type { Token };
