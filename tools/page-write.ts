import { z } from 'zod';
import {
  canonicalId,
  createPage,
  deletePage,
  getPage,
  listPageVersions,
  type MovePosition,
  movePage,
  type Page,
  updatePage,
} from '../src/confluence/index.js';
import { defineTool, type ToolContext, ToolInputError, ToolRefusal } from './define.js';
import { bodyFormatArgument, storageForUpdate, storageFromInput } from './page-body.js';
import {
  fetchPage,
  pageArgument,
  pageFields,
  projectPage,
  userNames,
  webUrlField,
  withUniqueTitle,
} from './page-common.js';
import { compact, idInput, line } from './shared.js';
import { resolveAllowedSpace } from './spaces.js';

/** What write tools report about the page they wrote. */
export const writtenOutput = { ...pageFields, version: z.int(), web_url: webUrlField };

/** The page a write left, as write tools report it. */
export function written(page: Page) {
  return compact({ ...projectPage(page), version: page.version?.number ?? 1 });
}

export const createPageTool = defineTool({
  name: 'confluence_create_page',
  title: 'Create a page',
  description:
    'Creates a page in a space, under a parent or at the top, from Markdown (tables, code, task lists, > [!NOTE] panels, [@Name](confluence-user:ID) mentions) or storage XHTML.',
  toolset: 'pages',
  input: {
    space: idInput(z.string().min(1).max(255)).describe('Space key or id.'),
    title: z.string().min(1).max(255).describe('Page title; unique within the space.'),
    body: z.string().max(5_000_000).default('').describe('Page content, in body_format.'),
    body_format: bodyFormatArgument,
    parent: pageArgument.optional().describe('Parent page; default: the space home.'),
    status: z.enum(['current', 'draft']).default('current').describe('draft saves unpublished.'),
  },
  output: writtenOutput,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  scopes: ['write:page:confluence', 'read:page:confluence', 'read:space:confluence'],
  pageReferences: ['parent'],
  async handler(args, ctx) {
    const spaceId = await resolveAllowedSpace(ctx, args.space);
    let parentId: string | undefined;
    if (args.parent) {
      const parent = await fetchPage(ctx, args.parent);
      if (canonicalId(parent.spaceId) !== canonicalId(spaceId)) {
        throw new ToolInputError(
          `The parent page ${parent.id} is in another space; pick a parent in ${args.space}.`,
        );
      }
      parentId = parent.id;
    }
    const storage = await storageFromInput(ctx, args.body, args.body_format);
    const page = await withUniqueTitle(ctx, args.title, spaceId, () =>
      createPage(ctx.confluence, {
        spaceId,
        title: args.title,
        parentId,
        status: args.status,
        body: { representation: 'storage', value: storage },
        signal: ctx.signal,
      }),
    );
    const out = written(page);
    return {
      text: `Created "${out.title}" (id ${out.id}, ${out.status}). ${out.web_url ?? ''}`.trim(),
      structured: out,
    };
  },
});

/**
 * Refuses, naming who changed what since, when the caller based a write on `expected` and the page has moved on:
 * nothing is written then. Nothing happens when `expected` is absent or current.
 */
export async function refuseIfStale(
  ctx: ToolContext,
  page: Page,
  expected: number | undefined,
): Promise<void> {
  const current = page.version?.number ?? 1;
  if (expected === undefined || expected === current) return;
  const versions = await listPageVersions(ctx.confluence, { id: page.id, limit: 25, signal: ctx.signal });
  const newer = versions.items.filter((v) => v.number > expected);
  const names = await userNames(
    ctx,
    newer.map((v) => v.authorId),
  );
  const lines = newer.map(
    (v) =>
      `- v${v.number} ${v.createdAt ?? ''} by ${(v.authorId && names.get(v.authorId)) ?? v.authorId ?? 'someone'}${v.message ? `: "${v.message}"` : ''}`,
  );
  throw new ToolRefusal(
    [
      `Not updated: "${page.title}" is at version ${current}, not ${expected}. Changed since you read it:`,
      ...lines,
      'Re-read it with confluence_get_page, apply your change to the current text, and retry with the new expected_version.',
    ].join('\n'),
  );
}

export const updatePageTool = defineTool({
  name: 'confluence_update_page',
  title: 'Update a page',
  description:
    "Changes a page's title and/or whole body. For Markdown, read with body_format editable_markdown and keep its <!-- confluence-keep N --> placeholders (content Markdown cannot show). Unchanged blocks keep their exact content; an unchanged body writes nothing. Pass expected_version, the version you read. For one section use confluence_update_page_section.",
  toolset: 'pages',
  input: {
    page: pageArgument,
    title: z.string().min(1).max(255).optional().describe('New title.'),
    body: z.string().max(5_000_000).optional().describe('The whole new body.'),
    body_format: bodyFormatArgument,
    version_message: z.string().max(500).optional().describe('Shown in the page history.'),
    expected_version: z
      .int()
      .min(1)
      .optional()
      .describe('The version you read; refused if the page moved on.'),
  },
  output: { ...writtenOutput, previous_version: z.int() },
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  scopes: ['write:page:confluence', 'read:page:confluence'],
  pageReferences: ['page'],
  async handler(args, ctx) {
    if (args.title === undefined && args.body === undefined)
      throw new ToolInputError('Give a new title, a new body, or both.');
    const current = await fetchPage(ctx, args.page, { body: true });
    const currentVersion = current.version?.number ?? 1;
    await refuseIfStale(ctx, current, args.expected_version);
    const currentStorage = current.body?.storage?.value ?? '';
    const storage =
      args.body === undefined
        ? currentStorage
        : args.body_format === 'storage'
          ? args.body
          : await storageForUpdate(ctx, currentStorage, args.body);
    const title = args.title ?? current.title;
    if (storage === currentStorage && title === current.title) {
      // Nothing to write: saving would only add a version that changes nothing.
      const out = { ...written(current), previous_version: currentVersion };
      return {
        text: `No change: "${out.title}" (id ${out.id}) already has this content; nothing was written, it stays at version ${currentVersion}.`,
        structured: out,
      };
    }
    const page = await withUniqueTitle(ctx, title, current.spaceId, () =>
      updatePage(ctx.confluence, {
        id: current.id,
        title,
        status: current.status === 'draft' ? 'draft' : 'current',
        body: { representation: 'storage', value: storage },
        version: currentVersion + 1,
        versionMessage: args.version_message,
        signal: ctx.signal,
      }),
    );
    const out = { ...written(page), previous_version: currentVersion };
    return {
      text: `Updated "${out.title}" (id ${out.id}) to version ${out.version}. ${out.web_url ?? ''}`.trim(),
      structured: out,
    };
  },
});

export const movePageTool = defineTool({
  name: 'confluence_move_page',
  title: 'Move a page',
  description:
    'Moves a page and its children under a new parent, or before or after a sibling, in any space. Give exactly one of new_parent, before, after.',
  toolset: 'pages',
  input: {
    page: pageArgument,
    new_parent: pageArgument.optional().describe('New parent (as its last child).'),
    before: pageArgument.optional().describe('The sibling to go before.'),
    after: pageArgument.optional().describe('The sibling to go after.'),
  },
  output: { id: z.string(), title: z.string(), parent_id: z.string().optional(), space_id: z.string() },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  scopes: ['write:page:confluence', 'read:page:confluence'],
  pageReferences: ['page', 'new_parent', 'before', 'after'],
  async handler(args, ctx) {
    const targets = (['new_parent', 'before', 'after'] as const).filter((k) => args[k] !== undefined);
    if (targets.length !== 1) throw new ToolInputError('Give exactly one of new_parent, before or after.');
    const key = targets[0] as 'new_parent' | 'before' | 'after';
    const page = await fetchPage(ctx, args.page);
    const target = await fetchPage(ctx, args[key] as string);
    const position: MovePosition = key === 'new_parent' ? 'append' : key;
    await movePage(ctx.confluence, { id: page.id, position, targetId: target.id, signal: ctx.signal });
    const moved = await getPage(ctx.confluence, { id: page.id, signal: ctx.signal });
    const { id, title, parent_id, space_id } = projectPage(moved);
    const out = compact({ id, title, parent_id, space_id });
    const where = key === 'new_parent' ? `under "${target.title}"` : `${key} "${target.title}"`;
    return { text: `Moved "${moved.title}" ${where}.`, structured: out };
  },
});

export const deletePageTool = defineTool({
  name: 'confluence_delete_page',
  title: 'Delete a page',
  description:
    'Moves a page to the trash (restorable); purge: true deletes a trashed page for good. Children move up.',
  toolset: 'pages',
  input: {
    page: pageArgument,
    purge: z.boolean().default(false).describe('Delete for good from the trash (no undo).'),
  },
  output: {
    id: z.string(),
    title: z.string(),
    result: z.enum(['trashed', 'purged']),
    already_trashed: z.boolean().optional().describe('The page was in the trash before this call.'),
  },
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  scopes: ['delete:page:confluence', 'read:page:confluence'],
  pageReferences: ['page'],
  async handler(args, ctx) {
    if (args.purge && !ctx.policy.allowPurge) {
      throw new ToolRefusal(
        'Not deleted: purging pages for good is turned off on this server. Call again without purge to move the page to the trash.',
      );
    }
    const page = await fetchPage(ctx, args.page, { status: ['current', 'archived', 'draft', 'trashed'] });
    const id = page.id;
    if (page.status === 'draft') {
      await deletePage(ctx.confluence, { id, draft: true, signal: ctx.signal });
      return {
        text: `Deleted the draft "${page.title}".`,
        structured: { id, title: page.title, result: 'purged' as const },
      };
    }
    const wasTrashed = page.status === 'trashed';
    if (!wasTrashed) await deletePage(ctx.confluence, { id, signal: ctx.signal });
    if (!args.purge && wasTrashed) {
      return {
        text: `"${page.title}" (id ${id}) was already in the trash; nothing changed. A space admin can restore it from there${ctx.policy.allowPurge ? ', or call again with purge: true to remove it for good' : ''}.`,
        structured: { id, title: page.title, result: 'trashed' as const, already_trashed: true },
      };
    }
    if (!args.purge) {
      return {
        text: `Moved "${page.title}" (id ${id}) to the trash. A space admin can restore it.`,
        structured: { id, title: page.title, result: 'trashed' as const },
      };
    }
    await deletePage(ctx.confluence, { id, purge: true, signal: ctx.signal });
    return {
      text: line(`Purged "${page.title}" (id ${id}) for good.`),
      structured: { id, title: page.title, result: 'purged' as const },
    };
  },
});
