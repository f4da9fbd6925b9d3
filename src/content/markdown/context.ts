import type { InlineState, RenderContext } from '../options.js';
import type { StorageElement, StorageNode } from '../parse.js';
import type { InlineBuffer } from './inline-buffer.js';
import type { MarkdownWriter } from './writer.js';

/**
 * The recursive renderers, handed down in the context. Leaf renderers (lists, tables, macros, links) render the
 * content they hold through these, so they never import the modules that dispatch to them and the renderers form
 * no import cycle: `blocks.ts` and `inline.ts` import the leaves, and the leaves import only this type.
 */
export interface RenderApi {
  /** Renders mixed content as blocks, gathering runs of inline nodes into paragraphs. */
  renderBlocks(nodes: readonly StorageNode[], ctx: MarkdownContext, writer: MarkdownWriter): void;
  /** Renders blocks into a Markdown string of their own, e.g. for a table cell. */
  renderBlocksToString(nodes: readonly StorageNode[], ctx: MarkdownContext): string;
  /** Renders nodes inside a blockquote. */
  renderQuote(nodes: readonly StorageNode[], ctx: MarkdownContext, writer: MarkdownWriter): void;
  /** Renders text found directly in an element whose other children are rendered selectively. */
  renderStrayText(element: StorageElement, ctx: MarkdownContext, writer: MarkdownWriter): void;
  /** Renders nodes as inline Markdown into a new string (whitespace collapsed, edges not trimmed). */
  renderInlineToString(nodes: readonly StorageNode[], ctx: MarkdownContext, state?: InlineState): string;
  /** Renders nodes as inline Markdown into a buffer. */
  renderInlineNodes(
    nodes: readonly StorageNode[],
    ctx: MarkdownContext,
    state: InlineState,
    out: InlineBuffer,
  ): void;
}

/** The render context with the recursive renderers. */
export interface MarkdownContext extends RenderContext {
  readonly render: RenderApi;
}
