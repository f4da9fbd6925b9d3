import { z } from 'zod';
import { composeCql, cqlString, searchContent, webUrl } from '../src/confluence/index.js';
import { defineTool, ToolInputError } from './define.js';
import { compact, line, moreText, pageSize, pagingInput, pagingOutput } from './shared.js';

/** The CQL a search runs: the caller's CQL (parsed) or quoted text, the filters, then the operator's bounds. */
export function searchCql(
  options: { text?: string; cql?: string; space?: string; label?: string; type?: string },
  bounds?: string,
): string {
  const terms: string[] = [];
  if (options.text) terms.push(`text ~ ${cqlString(options.text)}`);
  if (options.space) terms.push(`space = ${cqlString(options.space)}`);
  if (options.label) terms.push(`label = ${cqlString(options.label)}`);
  if (options.type) terms.push(`type = ${options.type}`);
  return composeCql({ cql: options.cql, terms, bounds });
}

// Confluence marks search hits in excerpts with these; Markdown bold reads better for a model.
const highlight = /@@@hl@@@(.*?)@@@endhl@@@/g;

function cleanExcerpt(excerpt: string): string {
  return excerpt
    .replace(highlight, '**$1**')
    .replace(/@@@(end)?hl@@@/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

const resultOutput = z.object({
  id: z.string().optional(),
  type: z.string(),
  title: z.string(),
  space_key: z.string().optional(),
  excerpt: z.string().optional(),
  last_modified: z.string().optional(),
  web_url: z.string().optional(),
});

export const searchTool = defineTool({
  name: 'confluence_search',
  title: 'Search Confluence',
  description:
    'Searches pages: title, space, excerpt, web URL. `query` for plain words (taken literally) or `cql` for CQL (e.g. title ~ "roadmap" AND space = ENG).',
  toolset: 'search',
  input: {
    query: z.string().min(1).max(500).optional().describe('Plain words to find.'),
    cql: z
      .string()
      .min(1)
      .max(2000)
      .optional()
      .describe('A complete CQL expression, ANDed with the filters.'),
    space: z.string().min(1).max(255).optional().describe('Only in this space key.'),
    label: z.string().min(1).max(255).optional().describe('Only content with this label.'),
    type: z.enum(['page', 'blogpost', 'any']).default('page').describe('any = every type.'),
    ...pagingInput,
  },
  output: {
    results: z.array(resultOutput),
    total_size: z.int().optional().describe('How many results Confluence counted in all.'),
    cql: z.string().describe('The CQL that ran.'),
    ...pagingOutput,
  },
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
  scopes: ['read:content-details:confluence'],
  async handler(args, ctx) {
    if (!args.query && !args.cql) throw new ToolInputError('Give `query` (plain text) or `cql`.');
    if (args.query && args.cql) throw new ToolInputError('Give either `query` or `cql`, not both.');
    if (args.space) ctx.spaces.checkKey(args.space);
    // The caller's CQL is parsed and refused when malformed, so it stays one term; the bounds are ANDed outside it.
    const cql = searchCql(
      {
        ...(args.cql ? { cql: args.cql } : {}),
        ...(args.query ? { text: args.query } : {}),
        ...(args.space ? { space: args.space } : {}),
        ...(args.label ? { label: args.label } : {}),
        ...(args.type !== 'any' ? { type: args.type } : {}),
      },
      ctx.spaces.cql(),
    );
    const page = await searchContent(ctx.confluence, {
      cql,
      cursor: args.cursor,
      limit: pageSize(args.limit, ctx),
      excerpt: 'highlight',
      expand: ['content.space'],
      signal: ctx.signal,
    });
    // And each hit is judged by the space key Confluence gives it, so a gap in any parser cannot leak.
    ctx.spaces.learn(page.items.map((r) => r.content?.space ?? r.space ?? {}));
    const results = ctx.spaces
      .filterByKey(page.items, (r) => r.content?.space?.key ?? r.space?.key)
      .map((r) =>
        compact({
          id: r.content?.id,
          type: r.content?.type ?? r.entityType,
          title: r.content?.title ?? r.title,
          space_key: r.content?.space?.key ?? r.space?.key,
          excerpt: cleanExcerpt(r.excerpt ?? ''),
          last_modified: r.lastModified,
          web_url: webUrl(page.base, r.url || r.content?._links?.webui),
        }),
      );
    const lines = results.map(
      (r) =>
        `- ${line(`"${r.title}"`, r.space_key, r.id && `id ${r.id}`)}${r.excerpt ? `\n  ${r.excerpt}` : ''}`,
    );
    const summary = `${page.totalSize} result(s) for CQL: ${cql}`;
    return {
      text: [summary, ...lines, moreText(page.nextCursor, results.length, 'results')].join('\n'),
      structured: compact({ results, total_size: page.totalSize, cql, next_cursor: page.nextCursor }),
    };
  },
});
