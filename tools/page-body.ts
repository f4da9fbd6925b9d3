import { z } from 'zod';
import { markdownToStorage } from '../src/content/markdown-to-storage.js';

/** How a tool takes a page body from the model. */
export const bodyFormatArgument = z
  .enum(['markdown', 'storage'])
  .default('markdown')
  .describe(
    'markdown (converted to Confluence format), or storage (Confluence XHTML, used exactly as given).',
  );

/** Storage format for a body the model wrote in `format`. */
export function storageFromInput(body: string, format: 'markdown' | 'storage'): string {
  return format === 'storage' ? body : markdownToStorage(body);
}

/**
 * The storage for an update written in Markdown. Temporary: converts directly; the preservation step (keeping
 * constructs Markdown cannot carry) replaces this.
 */
export function storageForUpdate(_currentStorage: string, markdown: string): string {
  return markdownToStorage(markdown);
}
