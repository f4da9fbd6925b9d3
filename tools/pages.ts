import { z } from 'zod';
import { listPages } from '../src/confluence/index.js';
import { cachedConversion, conversionKey, convertOnce } from './conversion-cache.js';
import { defineTool, type ToolContext, ToolInputError } from './define.js';
import {
  fetchPage,
  pageArgument,
  pageFields,
  pageSummaryOutput,
  projectPage,
  projectSummary,
  userNames,
  webUrlField,
} from './page-common.js';
import {
  compact,
  idInput,
  line,
  moreText,
  pageSize,
  pagingInput,
  pagingOutput,
  versionOutput,
} from './shared.js';
import { resolveAllowedSpace } from './spaces.js';

/** A window of `text` starting at `offset`, at most `max` characters, not splitting a surrogate pair. */
export function sliceText(text: string, offset: number, max: number): { part: string; next?: number } {
  let end = Math.min(text.length, offset + max);
  if (end < text.length && /[\uD800-\uDBFF]/.test(text.charAt(end - 1))) end -= 1;
  const part = text.slice(offset, end);
  return end < text.length ? { part, next: end } : { part };
}

/**
 * Markdown for a page body, with mentions named: account ids are looked up in one users-bulk call. The lookup is
 * a courtesy (it needs read:user): when it fails, mentions keep their ids and the page still reads.
 */
async function pageMarkdown(ctx: ToolContext, storage: string, editable: boolean): Promise<string> {
  const plain = await ctx.convert.toMarkdown(storage, { editable }, ctx.signal);
  if (!plain.mentions.length) return plain.markdown;
  const names = await userNames(ctx, plain.mentions);
  return names.size
    ? (await ctx.convert.toMarkdown(storage, { editable, names }, ctx.signal)).markdown
    : plain.markdown;
}

export const getPageTool = defineTool({
  name: 'confluence_get_page',
  title: 'Read a page',
  description:
    'Reads a page: title, space, version, web URL, body (Markdown by default). A long body comes in parts: call again with offset = next_offset.',
  toolset: 'pages',
  input: {
    page: pageArgument,
    body_format: z
      .enum(['markdown', 'editable_markdown', 'storage', 'none'])
      .default('markdown')
      .describe(
        'markdown to read; editable_markdown before confluence_update_page (with placeholders to keep); storage (XHTML) for exact edits; none.',
      ),
    version: z.int().min(1).optional().describe('An older version to read.'),
    offset: z.int().min(0).default(0).describe('next_offset of the last call.'),
    max_chars: z.int().min(500).optional().describe('Most body characters.'),
  },
  output: {
    ...pageFields,
    space_key: z.string().optional(),
    version: versionOutput.optional(),
    web_url: webUrlField,
    body_format: z.enum(['markdown', 'editable_markdown', 'storage', 'none']),
    body: z.string().optional(),
    body_length: z.int().optional().describe('Total characters of the body in this format.'),
    next_offset: z.int().optional().describe('Present when the body continues: pass as offset.'),
  },
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
  scopes: ['read:page:confluence'],
  pageReferences: ['page'],
  async handler(args, ctx) {
    const version = args.version ? { version: args.version } : {};
    const converted = args.body_format === 'markdown' || args.body_format === 'editable_markdown';
    // A part after the first is most likely converted already: fetch the page without its body (which still
    // proves the caller may read this version), and the body only when the cache does not have it.
    const later = converted && args.offset > 0;
    let page = await fetchPage(ctx, args.page, { body: args.body_format !== 'none' && !later, ...version });
    const spaceKey = await ctx.spaces.keyOf(page.spaceId);
    const key = converted ? conversionKey(page, ctx.siteUrl, args.body_format) : undefined;
    let full = cachedConversion(key);
    if (full === undefined) {
      if (later) page = await fetchPage(ctx, args.page, { body: true, ...version });
      const storage = page.body?.storage?.value ?? '';
      full = converted
        ? await convertOnce(key, () => pageMarkdown(ctx, storage, args.body_format === 'editable_markdown'))
        : storage;
    }
    const max = Math.min(args.max_chars ?? ctx.limits.maxResultChars, ctx.limits.maxResultChars);
    if (args.body_format !== 'none' && args.offset > full.length) {
      throw new ToolInputError(
        `offset ${args.offset} is past the end of the body (${full.length} characters).`,
      );
    }
    const slice = args.body_format === 'none' ? undefined : sliceText(full, args.offset, max);
    const versionOut = page.version
      ? compact({
          number: page.version.number,
          created_at: page.version.createdAt,
          author_id: page.version.authorId,
          message: page.version.message,
        })
      : undefined;
    const structured = compact({
      ...projectPage(page),
      space_key: spaceKey,
      version: versionOut,
      body_format: args.body_format,
      body: slice?.part,
      body_length: slice ? full.length : undefined,
      next_offset: slice?.next,
    });
    const header = [
      `# ${page.title}`,
      line(
        `id ${page.id}`,
        spaceKey ? `space ${spaceKey} (id ${page.spaceId})` : `space id ${page.spaceId}`,
        versionOut &&
          `version ${versionOut.number}${versionOut.created_at ? ` (${versionOut.created_at})` : ''}`,
        page.status !== 'current' && page.status,
      ),
      structured.web_url,
    ].filter(Boolean);
    const body = slice ? [args.offset > 0 ? `[continuing at character ${args.offset}]` : '', slice.part] : [];
    const tail =
      slice?.next !== undefined
        ? [
            `[body continues: ${full.length - slice.next} more characters; call again with offset ${slice.next}]`,
          ]
        : [];
    return { text: [...header, '', ...body.filter(Boolean), ...tail].join('\n'), structured };
  },
});

export const listPagesTool = defineTool({
  name: 'confluence_list_pages',
  title: 'List pages',
  description:
    'Lists pages (id, title, status, space, parent, version, web URL), in a space or by exact title.',
  toolset: 'pages',
  input: {
    space: idInput(z.string().min(1).max(255)).optional().describe('Space key or id.'),
    title: z.string().min(1).max(255).optional().describe('Exact page title.'),
    status: z.enum(['current', 'archived', 'draft', 'trashed']).default('current').describe('Page status.'),
    sort: z
      .enum([
        'title',
        '-title',
        'created-date',
        '-created-date',
        'modified-date',
        '-modified-date',
        'id',
        '-id',
      ])
      .optional()
      .describe('Leading - = descending.'),
    ...pagingInput,
  },
  output: { pages: z.array(pageSummaryOutput), ...pagingOutput },
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
  scopes: ['read:page:confluence', 'read:space:confluence'],
  async handler(args, ctx) {
    const spaceId = args.space ? await resolveAllowedSpace(ctx, args.space) : undefined;
    const page = await listPages(ctx.confluence, {
      ...(spaceId ? { spaceIds: [spaceId] } : {}),
      ...(args.title ? { title: args.title } : {}),
      status: [args.status],
      ...(args.sort ? { sort: args.sort } : {}),
      cursor: args.cursor,
      limit: pageSize(args.limit, ctx),
      signal: ctx.signal,
    });
    // Every page is judged by its own space, even when one was asked for: results from out-of-bounds spaces are
    // dropped (a page of results may come back short).
    const allowed = await ctx.spaces.filter(page.items, (p) => p.spaceId);
    const pages = allowed.map((p) => projectSummary(p, page.base));
    const lines = pages.map(
      (p) => `- ${line(`"${p.title}"`, `id ${p.id}`, p.version && `v${p.version}`, p.updated_at)}`,
    );
    return {
      text: [...lines, moreText(page.nextCursor, pages.length, 'pages')].join('\n'),
      structured: compact({ pages, next_cursor: page.nextCursor }),
    };
  },
});
