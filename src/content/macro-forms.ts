/** How storageToMarkdown writes Confluence macros; markdownToStorage reads the same tables backwards. */

/**
 * Confluence's panel macros as GitHub alerts, by colour: `info` is blue, `tip` (and `success`) green, `note`
 * yellow (the editor's "warning" panel), `warning` red (the editor's "error" panel).
 */
export const ALERTS: Readonly<Record<string, string>> = {
  info: 'NOTE',
  tip: 'TIP',
  success: 'TIP',
  note: 'WARNING',
  warning: 'CAUTION',
  error: 'CAUTION',
};

/** Macros that show generated content; they become a short bracketed marker. */
export const MARKERS: Readonly<Record<string, string>> = {
  toc: 'Table of contents',
  children: 'Child pages',
  pagetree: 'Page tree',
  pagetreesearch: 'Page tree search',
  'recently-updated': 'Recently updated',
  'recently-updated-dashboard': 'Recently updated',
  contentbylabel: 'Content by label',
  'content-report-table': 'Content report',
  'blog-posts': 'Blog posts',
  livesearch: 'Search',
  contributors: 'Contributors',
  'contributors-summary': 'Contributors',
  attachments: 'Attachments',
  'tasks-report-macro': 'Task report',
  detailssummary: 'Page properties report',
  listlabels: 'Labels',
  'popular-labels': 'Popular labels',
  'related-labels': 'Related labels',
  index: 'Page index',
  'space-details': 'Space details',
  'create-from-template': 'Create from template',
};

/** Parameters worth keeping in a marker, because they say what the generated list contains. */
export const MARKER_PARAMETERS = new Set(['labels', 'cql', 'spaces', 'label']);

/** Macros whose body is page content shown as is. */
export const TRANSPARENT = new Set(['excerpt', 'details', 'section', 'column', 'div', 'toc-zone', 'center']);

/** Macros that show an attached file; a link to the file stands for them. */
export const FILE_VIEWERS = new Set(['view-file', 'viewpdf', 'viewdoc', 'viewxls', 'viewppt', 'multimedia']);
