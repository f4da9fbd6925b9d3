import { z } from 'zod';
import { listPageVersions } from '../src/confluence/index.js';
import { defineTool } from './define.js';
import { fetchPage, pageArgument, userNames } from './page-common.js';
import { compact, line, moreText, pageSize, pagingInput, pagingOutput } from './shared.js';

export const getPageVersionsTool = defineTool({
  name: 'confluence_get_page_versions',
  title: 'List page versions',
  description:
    "Lists a page's versions, newest first: number, author, date, message. Read one with confluence_get_page `version`.",
  toolset: 'pages',
  input: { page: pageArgument, ...pagingInput },
  output: {
    page_id: z.string(),
    title: z.string(),
    versions: z.array(
      z.object({
        number: z.int(),
        created_at: z.string().optional(),
        author_id: z.string().optional(),
        author: z.string().optional(),
        message: z.string().optional(),
        minor_edit: z.boolean().optional(),
      }),
    ),
    ...pagingOutput,
  },
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
  scopes: ['read:page:confluence'],
  pageReferences: ['page'],
  async handler(args, ctx) {
    const page = await fetchPage(ctx, args.page);
    const list = await listPageVersions(ctx.confluence, {
      id: page.id,
      cursor: args.cursor,
      limit: pageSize(args.limit, ctx),
      signal: ctx.signal,
    });
    const names = await userNames(
      ctx,
      list.items.map((v) => v.authorId),
    );
    const versions = list.items.map((v) =>
      compact({
        number: v.number,
        created_at: v.createdAt,
        author_id: v.authorId,
        author: v.authorId ? names.get(v.authorId) : undefined,
        message: v.message,
        minor_edit: v.minorEdit,
      }),
    );
    const lines = versions.map(
      (v) =>
        `- ${line(`v${v.number}`, v.created_at, v.author ?? v.author_id, v.message && `"${v.message}"`)}`,
    );
    return {
      text: [
        `Versions of "${page.title}" (${page.id}):`,
        ...lines,
        moreText(list.nextCursor, versions.length, 'versions'),
      ].join('\n'),
      structured: compact({ page_id: page.id, title: page.title, versions, next_cursor: list.nextCursor }),
    };
  },
});
