import { z } from 'zod';
import {
  getPage,
  listPageChildren,
  listPageDescendants,
  listPages,
  type PageTreeNode,
} from '../src/confluence/index.js';
import { defineTool, type ToolContext } from './define.js';
import { fetchPage, pageArgument } from './page-common.js';
import { compact, line, moreText, outOfTime, pageSize, pagingInput, pagingOutput } from './shared.js';

/**
 * The descendants inside the space bounds. Descendant records carry no space id, so the pages among them are read
 * in one bulk request for theirs (a page it does not return is left out). Other content types (folders,
 * whiteboards) have no endpoint within this app's scopes: Confluence keeps a content tree inside one space, so they
 * stay with the root unless their parent was left out.
 */
async function descendantsInBounds(
  ctx: ToolContext,
  nodes: readonly PageTreeNode[],
): Promise<PageTreeNode[]> {
  if (!ctx.spaces.active || !nodes.length) return [...nodes];
  const pageIds = nodes.filter((n) => n.type === 'page').map((n) => n.id);
  const pages = pageIds.length
    ? (
        await listPages(ctx.confluence, {
          ids: pageIds,
          status: ['current', 'archived'],
          limit: 250,
          signal: ctx.signal,
        })
      ).items
    : [];
  const allowedPages = new Set((await ctx.spaces.filter(pages, (p) => p.spaceId)).map((p) => p.id));
  const dropped = new Set<string>();
  return nodes.filter((n) => {
    const keep =
      n.type === 'page' ? allowedPages.has(n.id) : !(n.parentId !== undefined && dropped.has(n.parentId));
    if (!keep) dropped.add(n.id);
    return keep;
  });
}

const nodeOutput = z.object({
  id: z.string(),
  title: z.string(),
  status: z.string(),
  parent_id: z.string().optional(),
  depth: z.int().optional(),
  position: z.int().optional(),
});

export const getPageChildrenTool = defineTool({
  name: 'confluence_get_page_children',
  title: 'List child pages',
  description: "Lists a page's direct children in tree order: id, title, status, position.",
  toolset: 'pages',
  input: { page: pageArgument, ...pagingInput },
  output: { parent_id: z.string(), children: z.array(nodeOutput), ...pagingOutput },
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
  scopes: ['read:page:confluence', 'read:hierarchical-content:confluence'],
  pageReferences: ['page'],
  async handler(args, ctx) {
    const parent = await fetchPage(ctx, args.page);
    const page = await listPageChildren(ctx.confluence, {
      id: parent.id,
      cursor: args.cursor,
      limit: pageSize(args.limit, ctx),
      signal: ctx.signal,
    });
    // Each child is judged by the space Confluence says it is in.
    const allowed = await ctx.spaces.filter(page.items, (c) => c.spaceId);
    const children = allowed.map((c) =>
      compact({ id: c.id, title: c.title, status: c.status, position: c.childPosition ?? undefined }),
    );
    const lines = children.map(
      (c) => `- ${line(`"${c.title}"`, `id ${c.id}`, c.status !== 'current' && c.status)}`,
    );
    return {
      text: [
        `Children of "${parent.title}" (${parent.id}):`,
        ...lines,
        moreText(page.nextCursor, children.length, 'children'),
      ].join('\n'),
      structured: compact({ parent_id: parent.id, children, next_cursor: page.nextCursor }),
    };
  },
});

export const getPageDescendantsTool = defineTool({
  name: 'confluence_get_page_descendants',
  title: 'List descendant pages',
  description: 'Lists the pages below a page down to `depth` levels: id, title, parent id, depth.',
  toolset: 'pages',
  input: {
    page: pageArgument,
    depth: z.int().min(1).max(10).default(2).describe('Levels below the page (1 = children).'),
    ...pagingInput,
  },
  output: { root_id: z.string(), descendants: z.array(nodeOutput), ...pagingOutput },
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
  scopes: ['read:page:confluence', 'read:hierarchical-content:confluence'],
  pageReferences: ['page'],
  async handler(args, ctx) {
    const root = await fetchPage(ctx, args.page);
    const page = await listPageDescendants(ctx.confluence, {
      id: root.id,
      depth: args.depth,
      cursor: args.cursor,
      limit: pageSize(args.limit, ctx),
      signal: ctx.signal,
    });
    const descendants = (await descendantsInBounds(ctx, page.items)).map((d) =>
      compact({
        id: d.id,
        title: d.title,
        status: d.status,
        parent_id: d.parentId,
        depth: d.depth,
        position: d.childPosition ?? undefined,
      }),
    );
    const lines = descendants.map(
      (d) => `${'  '.repeat(Math.max(0, (d.depth ?? 1) - 1))}- "${d.title}" (id ${d.id})`,
    );
    return {
      text: [
        `Below "${root.title}" (${root.id}), ${args.depth} level(s):`,
        ...lines,
        moreText(page.nextCursor, descendants.length, 'descendants'),
      ].join('\n'),
      structured: compact({ root_id: root.id, descendants, next_cursor: page.nextCursor }),
    };
  },
});

const MAX_DEPTH = 50;

export const getPageAncestorsTool = defineTool({
  name: 'confluence_get_page_ancestors',
  title: 'Show page breadcrumb',
  description:
    "Shows a page's ancestors from the space root down to its parent (a breadcrumb): ids and titles.",
  toolset: 'pages',
  input: { page: pageArgument },
  output: {
    page_id: z.string(),
    ancestors: z.array(z.object({ id: z.string(), title: z.string() })).describe('Root first, parent last.'),
    continue_from: z
      .string()
      .optional()
      .describe(
        'Set when the walk stopped early to answer in time: call again with this page for the rest above.',
      ),
  },
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
  scopes: ['read:page:confluence'],
  pageReferences: ['page'],
  async handler(args, ctx) {
    const page = await fetchPage(ctx, args.page);
    const chain: { id: string; title: string }[] = [];
    // The ancestors endpoint needs a scope the app does not have (read:content.metadata); parents are enough.
    let parentId = page.parentId ?? undefined;
    const seen = new Set([page.id]);
    let stoppedAt: string | undefined;
    while (parentId && chain.length < MAX_DEPTH && !seen.has(parentId)) {
      seen.add(parentId);
      let parent: Awaited<ReturnType<typeof getPage>>;
      try {
        parent = await getPage(ctx.confluence, { id: parentId, signal: ctx.signal });
      } catch (error) {
        if (!outOfTime(ctx)) throw error;
        stoppedAt = parentId;
        break;
      }
      // A tree stays in its space, but each ancestor is still judged by its own: the breadcrumb stops below one
      // outside the bounds rather than show it.
      if (!(await ctx.spaces.allowsSpaceId(parent.spaceId))) break;
      chain.unshift({ id: parent.id, title: parent.title });
      parentId = parent.parentId ?? undefined;
    }
    const breadcrumb = [...(stoppedAt ? ['…'] : []), ...chain.map((a) => a.title), page.title].join(' > ');
    if (!stoppedAt) return { text: breadcrumb, structured: { page_id: page.id, ancestors: chain } };
    return {
      text: `${breadcrumb}\n[stopped early to answer in time: call again with page "${stoppedAt}" for the ancestors above]`,
      structured: { page_id: page.id, ancestors: chain, continue_from: stoppedAt },
    };
  },
});
