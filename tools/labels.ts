import { z } from 'zod';
import {
  addLabels,
  composeCql,
  cqlString,
  type Label,
  listLabels,
  listPageLabels,
  listSpaceLabels,
  removeLabel,
  searchContent,
  webUrl,
} from '../src/confluence/index.js';
import { defineTool, ToolInputError, ToolRefusal } from './define.js';
import { fetchPage, pageArgument } from './page-common.js';
import { compact, idInput, line, moreText, pageSize, pagingInput, pagingOutput } from './shared.js';
import { resolveAllowedSpace } from './spaces.js';

const labelName = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[^\s:]+$/, { error: 'a label is one word: no spaces or colons' })
  .transform((s) => s.toLowerCase());

const labelOutput = z.object({ id: z.string(), name: z.string(), prefix: z.string() });

const project = (l: Label) => ({ id: l.id, name: l.name, prefix: l.prefix });

export const getLabelsTool = defineTool({
  name: 'confluence_get_labels',
  title: 'List labels',
  description: "Lists a page's labels (give page), a space's (give space), or the site's (neither).",
  toolset: 'labels',
  input: {
    page: pageArgument.optional().describe('The labels of this page.'),
    space: idInput(z.string().min(1).max(255)).optional().describe('The labels of this space (key or id).'),
    prefix: z.enum(['global', 'my', 'team']).optional().describe('Site-wide list only.'),
    ...pagingInput,
  },
  output: { labels: z.array(labelOutput), ...pagingOutput },
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
  scopes: ['read:label:confluence', 'read:page:confluence', 'read:space:confluence'],
  pageReferences: ['page'],
  async handler(args, ctx) {
    if (args.page && args.space) throw new ToolInputError('Give page or space, not both.');
    const paging = { cursor: args.cursor, limit: pageSize(args.limit, ctx), signal: ctx.signal };
    let page: Awaited<ReturnType<typeof listLabels>>;
    let owner = 'the site';
    if (args.page) {
      const target = await fetchPage(ctx, args.page);
      page = await listPageLabels(ctx.confluence, { id: target.id, ...paging });
      owner = `"${target.title}"`;
    } else if (args.space) {
      page = await listSpaceLabels(ctx.confluence, {
        id: await resolveAllowedSpace(ctx, args.space),
        ...paging,
      });
      owner = `space ${args.space}`;
    } else {
      // Confluence's site-wide list cannot say which spaces a label is used in, and filtering it would cost a
      // request per label; with space bounds set it is refused rather than let labels of denied spaces through.
      if (ctx.spaces.active) {
        throw new ToolRefusal(
          "This server limits which spaces tools may reach, so the site's whole label list is not available: it would show labels used only in other spaces. Give page or space to list the labels there.",
        );
      }
      page = await listLabels(ctx.confluence, {
        ...(args.prefix ? { prefix: [args.prefix] } : {}),
        ...paging,
      });
    }
    const labels = page.items.map(project);
    return {
      text: [
        `Labels of ${owner}: ${labels.map((l) => l.name).join(', ') || '(none)'}`,
        page.nextCursor ? moreText(page.nextCursor, labels.length, 'labels') : '',
      ]
        .filter(Boolean)
        .join('\n'),
      structured: compact({ labels, next_cursor: page.nextCursor }),
    };
  },
});

export const findPagesByLabelTool = defineTool({
  name: 'confluence_find_pages_by_label',
  title: 'Find pages by label',
  description:
    'Finds the pages with a label, optionally in one space: id, title, space, last change, web URL.',
  toolset: 'labels',
  input: {
    label: labelName.describe('The label, e.g. runbook.'),
    space: z.string().min(1).max(255).optional().describe('Only in this space key.'),
    ...pagingInput,
  },
  output: {
    pages: z.array(
      z.object({
        id: z.string().optional(),
        title: z.string(),
        space_key: z.string().optional(),
        last_modified: z.string().optional(),
        web_url: z.string().optional(),
      }),
    ),
    total_size: z.int().optional(),
    ...pagingOutput,
  },
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
  scopes: ['read:content-details:confluence'],
  async handler(args, ctx) {
    if (args.space) ctx.spaces.checkKey(args.space);
    const terms = [`label = ${cqlString(args.label)}`, 'type = page'];
    if (args.space) terms.push(`space = ${cqlString(args.space)}`);
    const result = await searchContent(ctx.confluence, {
      cql: composeCql({ terms, bounds: ctx.spaces.cql() }),
      cursor: args.cursor,
      limit: pageSize(args.limit, ctx),
      excerpt: 'none',
      expand: ['content.space'],
      signal: ctx.signal,
    });
    // The query keeps to the bounds; each hit is still judged by the space key Confluence gives it.
    const pages = ctx.spaces
      .filterByKey(result.items, (r) => r.content?.space?.key)
      .map((r) =>
        compact({
          id: r.content?.id,
          title: r.content?.title ?? r.title,
          space_key: r.content?.space?.key,
          last_modified: r.lastModified,
          web_url: webUrl(result.base, r.url),
        }),
      );
    const lines = pages.map((p) => `- ${line(`"${p.title}"`, p.space_key, p.id && `id ${p.id}`)}`);
    return {
      text: [
        `${result.totalSize} page(s) labelled "${args.label}":`,
        ...lines,
        moreText(result.nextCursor, pages.length, 'pages'),
      ].join('\n'),
      structured: compact({ pages, total_size: result.totalSize, next_cursor: result.nextCursor }),
    };
  },
});

export const addLabelsTool = defineTool({
  name: 'confluence_add_labels',
  title: 'Add labels to a page',
  description:
    'Adds labels (lowercase single words) to a page, keeping existing ones. Returns all its labels.',
  toolset: 'labels',
  input: { page: pageArgument, labels: z.array(labelName).min(1).max(20).describe('Labels to add.') },
  output: { page_id: z.string(), labels: z.array(z.string()).describe('All labels of the page now.') },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  scopes: ['write:label:confluence', 'read:label:confluence', 'read:page:confluence'],
  pageReferences: ['page'],
  async handler(args, ctx) {
    const page = await fetchPage(ctx, args.page);
    const all = await addLabels(ctx.confluence, { pageId: page.id, names: args.labels, signal: ctx.signal });
    const labels = all.map((l) => l.name).sort();
    return {
      text: `Labels of "${page.title}" now: ${labels.join(', ')}`,
      structured: { page_id: page.id, labels },
    };
  },
});

export const removeLabelTool = defineTool({
  name: 'confluence_remove_label',
  title: 'Remove a label from a page',
  description: 'Removes one label from a page; its other labels stay (confluence_get_labels lists them).',
  toolset: 'labels',
  input: { page: pageArgument, label: labelName.describe('The label to remove.') },
  output: { page_id: z.string(), removed: z.string() },
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  scopes: ['write:label:confluence', 'read:page:confluence'],
  pageReferences: ['page'],
  async handler(args, ctx) {
    const page = await fetchPage(ctx, args.page);
    await removeLabel(ctx.confluence, { pageId: page.id, name: args.label, signal: ctx.signal });
    return {
      text: `Removed "${args.label}" from "${page.title}".`,
      structured: { page_id: page.id, removed: args.label },
    };
  },
});
