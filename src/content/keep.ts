/**
 * The placeholders that stand for storage Markdown cannot carry (see `preservation.ts`). They are HTML comments,
 * which Markdown keeps as they are and readers do not show: `<!-- confluence-keep 3: Jira macro -->` on a line
 * of its own for a block, `<!--confluence-keep-inline 4: anchor-->` inside a paragraph.
 */

/** Element that marks a block placeholder in storage prepared for editing; never in real storage. */
export const KEEP_BLOCK_ELEMENT = 'cmcp:keep-block';
/** Element that marks an inline placeholder in storage prepared for editing. */
export const KEEP_INLINE_ELEMENT = 'cmcp:keep-inline';

/** How every inline placeholder starts; such a line stays in its paragraph rather than opening an HTML block. */
export const INLINE_KEEP_PREFIX = '<!--confluence-keep-inline ';

/**
 * A label safe inside a comment anywhere in Markdown: no `--` or `<>` (which end or start markup), no pipes (which
 * split table cells before anything else is read), no brackets or backticks (which could pair with ones outside),
 * no line breaks, no `-` at the end (which would run into the closing `-->`).
 */
export function keepLabel(text: string): string {
  const clean = text
    .replace(/\s+/g, ' ')
    .replace(/[<>|[\]`\\]/g, '')
    .replace(/-{2,}/g, '-')
    .trim()
    .replace(/-$/, '');
  return clean.length > 100 ? `${clean.slice(0, 99)}…` : clean;
}

/** The placeholder comment for an id and label. */
export function keepComment(id: string, label: string, inline: boolean): string {
  const text = keepLabel(label);
  return inline
    ? `${INLINE_KEEP_PREFIX}${id}${text ? `: ${text}` : ''}-->`
    : `<!-- confluence-keep ${id}${text ? `: ${text}` : ''} -->`;
}
