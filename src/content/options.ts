/** Lookups that let the converter turn Confluence references into names and URLs. */
export interface StorageToMarkdownOptions {
  /** Display name for an account id (mentions); undefined when unknown. */
  userName?: (accountId: string) => string | undefined;
  /** URL for a link to another page by title (and space key when the link names one); undefined when unknown. */
  pageUrl?: (title: string, spaceKey: string | undefined) => string | undefined;
  /** URL for an attachment of the current page; undefined when unknown. */
  attachmentUrl?: (filename: string) => string | undefined;
}

/** State shared by the block and inline renderers. */
export interface RenderContext {
  readonly options: StorageToMarkdownOptions;
  /** Inside a list item, where a nested list may follow a paragraph on the next line. */
  readonly inListItem: boolean;
  /**
   * Writing Markdown to be edited and converted back: placeholder elements become `confluence-keep` comments
   * and code blocks carry every macro parameter.
   */
  readonly editable?: boolean;
}

/** Which inline wrappers are already open, so nesting them again adds nothing. */
export interface InlineState {
  readonly strong?: boolean;
  readonly emphasis?: boolean;
  readonly strike?: boolean;
  readonly underline?: boolean;
  readonly link?: boolean;
}
