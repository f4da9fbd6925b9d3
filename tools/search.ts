import { z } from 'zod';
import { searchContent } from '../src/confluence/index.js';
import { webUrl } from '../src/confluence/links.js';
import { defineTool, ToolInputError } from './define.js';
import { compact, line, moreText, pageSize, pagingInput, pagingOutput } from './shared.js';

/** A CQL string literal holding `value` exactly: quotes and backslashes escaped, nothing else interpreted. */
export function cqlString(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** A CQL expression split into its condition and its trailing `ORDER BY` clause (found outside quotes). */
export function splitOrderBy(cql: string): { where: string; orderBy: string } {
  let quote: string | undefined;
  for (let i = 0; i < cql.length; i++) {
    const c = cql[i] as string;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (/^order\s+by\b/i.test(cql.slice(i)) && (i === 0 || /\s|\)/.test(cql[i - 1] as string))) {
      return { where: cql.slice(0, i).trim(), orderBy: cql.slice(i).trim() };
    }
  }
  return { where: cql.trim(), orderBy: '' };
}

/** The CQL for a plain-text search with optional filters; the text can never change the query's structure. */
export function buildCql(options: {
  text?: string;
  cql?: string;
  space?: string;
  label?: string;
  type?: string;
}): string {
  const clauses: string[] = [];
  const { where, orderBy } = options.cql ? splitOrderBy(options.cql) : { where: '', orderBy: '' };
  if (where)
    clauses.push(options.text || options.space || options.label || options.type ? `(${where})` : where);
  if (options.text) clauses.push(`text ~ ${cqlString(options.text)}`);
  if (options.space) clauses.push(`space = ${cqlString(options.space)}`);
  if (options.label) clauses.push(`label = ${cqlString(options.label)}`);
  if (options.type) clauses.push(`type = ${options.type}`);
  return `${clauses.join(' AND ')}${orderBy ? ` ${orderBy}` : ''}`;
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
    'Searches Confluence and returns matching pages with title, space, excerpt and web URL. Give `query` for plain-text search (safe: quotes and operators are taken literally), or `cql` for a Confluence Query Language expression (e.g. title ~ "roadmap" AND space = ENG). Narrow with space, label and type; page with cursor.',
  toolset: 'search',
  input: {
    query: z.string().min(1).max(500).optional().describe('Words to search for in titles and bodies.'),
    cql: z
      .string()
      .min(1)
      .max(2000)
      .optional()
      .describe('A CQL expression, used as given (combined with filters by AND).'),
    space: z.string().min(1).max(255).optional().describe('Only in this space key.'),
    label: z.string().min(1).max(255).optional().describe('Only content with this label.'),
    type: z
      .enum(['page', 'blogpost', 'any'])
      .default('page')
      .describe('Content type (default page; any = no type filter).'),
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
    const bounds = ctx.spaces.cql();
    const asked = buildCql({
      ...(args.cql ? { cql: args.cql } : {}),
      ...(args.query ? { text: args.query } : {}),
      ...(args.space ? { space: args.space } : {}),
      ...(args.label ? { label: args.label } : {}),
      ...(args.type !== 'any' ? { type: args.type } : {}),
    });
    // The operator's space bounds apply to every search, whatever CQL the model wrote.
    const { where, orderBy } = splitOrderBy(asked);
    const cql = bounds ? `(${where}) AND ${bounds}${orderBy ? ` ${orderBy}` : ''}` : asked;
    const page = await searchContent(ctx.confluence, {
      cql,
      cursor: args.cursor,
      limit: pageSize(args.limit, ctx),
      excerpt: 'highlight',
      expand: ['content.space'],
      signal: ctx.signal,
    });
    const results = page.items.map((r) =>
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
