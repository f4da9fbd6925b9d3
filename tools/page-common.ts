import { z } from 'zod';
import {
  type GetPageParams,
  getPage,
  getUsers,
  type Page,
  pageIdFromReference,
  referenceUrl,
  urlIsOnSite,
  webUrl,
} from '../src/confluence/index.js';
import { isKindedError } from '../src/error-kind.js';
import { type ToolContext, ToolInputError, ToolRefusal } from './define.js';
import { compact, idInput } from './shared.js';

/** The `page` argument every page tool takes. */
export const pageArgument = idInput(z.string().min(1).max(2048)).describe('Page id, URL or tiny link.');

/** The page id in a reference, or a ToolInputError that says what is accepted. */
export function pageIdOf(reference: string): string {
  const id = pageIdFromReference(reference);
  if (!id) {
    throw new ToolInputError(
      `"${reference.slice(0, 200)}" is not a page id, page URL or tiny link. Give the numeric id, or a URL copied from Confluence.`,
    );
  }
  return id;
}

/**
 * A page the caller may see and the operator allows: fetched, then checked against the space bounds by the key of
 * the space Confluence says it is in. A page URL must lie on the site Confluence answered from (`_links.base`), so
 * a URL for another site never reaches the page with the same id here.
 */
export async function fetchPage(
  ctx: ToolContext,
  reference: string,
  options: { body?: boolean; version?: number; status?: GetPageParams['status'] } = {},
): Promise<Page> {
  const id = pageIdOf(reference);
  let page: Page;
  try {
    page = await getPage(ctx.confluence, {
      id,
      ...(options.body ? { bodyFormat: 'storage' as const } : {}),
      ...(options.version ? { version: options.version } : {}),
      ...(options.status ? { status: options.status } : {}),
      signal: ctx.signal,
    });
  } catch (error) {
    if (!options.status && isKindedError(error) && error.kind === 'not-found')
      await refuseIfTrashed(ctx, reference, id);
    throw error;
  }
  checkUrlSite(ctx, reference, page);
  await ctx.spaces.checkSpaceId(page.spaceId, `page ${id}`);
  return page;
}

/**
 * Confluence answers 404 for a trashed page as for one that never existed. One more request tells them apart, so
 * the caller learns the page is in the trash and how to get it back (only for a page inside the space bounds).
 */
async function refuseIfTrashed(ctx: ToolContext, reference: string, id: string): Promise<void> {
  let trashed: Page;
  try {
    trashed = await getPage(ctx.confluence, { id, status: ['trashed'], signal: ctx.signal });
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    return;
  }
  if (trashed.status !== 'trashed') return;
  checkUrlSite(ctx, reference, trashed);
  if (!(await ctx.spaces.allowsSpaceId(trashed.spaceId))) return;
  const key = await ctx.spaces.keyOf(trashed.spaceId);
  throw new ToolRefusal(
    `Page "${trashed.title}" (id ${trashed.id}) is in the trash of space ${key ?? trashed.spaceId}. To use it again, restore it in Confluence (space settings > Trash; space admins can) and call again.`,
  );
}

/**
 * Runs a write that sets a page title, turning Confluence's answer for a title already used in the space (400 or
 * 409, "A page with this title already exists: A page already exists with the same TITLE in this space") into one
 * sentence that says what to do.
 */
export async function withUniqueTitle<T>(
  ctx: ToolContext,
  title: string,
  spaceId: string,
  write: () => Promise<T>,
): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const text = isKindedError(error) ? `${error.detail ?? ''} ${error.message}` : '';
    if (
      !isKindedError(error) ||
      (error.kind !== 'rejected' && error.kind !== 'conflict') ||
      !/title already exists|same title/i.test(text)
    ) {
      throw error;
    }
    const space = (await ctx.spaces.keyOf(spaceId)) ?? spaceId;
    throw new ToolRefusal(
      `Not saved: space ${space} already has a page titled "${title}", and titles are unique within a space. Choose another title, or change that page instead (confluence_list_pages with space ${space} and this title finds it).`,
    );
  }
}

// The site a page is on is what Confluence answers with (`_links.base`), else the site the session was opened for.
function checkUrlSite(ctx: ToolContext, reference: string, page: Page): void {
  const url = referenceUrl(reference);
  if (!url) return;
  const site = page._links?.base ?? ctx.siteUrl;
  if (!site) {
    throw new ToolRefusal(
      `Confluence did not say which site page ${page.id} is on, so the URL cannot be checked. Give the page id instead.`,
    );
  }
  if (!urlIsOnSite(url, site)) {
    throw new ToolRefusal(
      `The URL is on ${url.host}, but this call reaches ${site.replace(/\/wiki\/?$/, '')}. Use a URL from that site, the page id, or (with a connection to several sites) the site argument.`,
    );
  }
}

/** What every page tool says about a page: these fields, then its own version fields, then `web_url`. */
export const pageFields = {
  id: z.string(),
  title: z.string(),
  status: z.string(),
  space_id: z.string(),
  parent_id: z.string().optional(),
};

/** The page's web URL, last in every page tool's output. */
export const webUrlField = z.string().optional();

/**
 * A page as every page tool reports it: the one projection of a Confluence page. `base` is the site's web root
 * when a list answer gave it (else the page's own `_links.base`). Tools add their version fields and compact it.
 */
export function projectPage(page: Page, base?: string) {
  return {
    id: page.id,
    title: page.title,
    status: page.status,
    space_id: page.spaceId,
    parent_id: page.parentId ?? undefined,
    web_url: webUrl(base ?? page._links?.base, page._links?.webui),
  };
}

/** A page as list tools report it. */
export const pageSummaryOutput = z.object({
  ...pageFields,
  version: z.int().optional(),
  updated_at: z.string().optional(),
  web_url: webUrlField,
});

export function projectSummary(page: Page, base: string | undefined): z.input<typeof pageSummaryOutput> {
  return compact({
    ...projectPage(page, base),
    version: page.version?.number,
    updated_at: page.version?.createdAt,
  });
}

/**
 * Display names for account ids, in one users-bulk call. A courtesy (it needs read:user): without it, ids stay.
 */
export async function userNames(
  ctx: ToolContext,
  ids: Iterable<string | undefined>,
): Promise<Map<string, string>> {
  const wanted = [...new Set([...ids].filter((id): id is string => Boolean(id)))].slice(0, 250);
  const names = new Map<string, string>();
  if (!wanted.length) return names;
  try {
    for (const user of await getUsers(ctx.confluence, { accountIds: wanted, signal: ctx.signal })) {
      if (user.accountId && user.displayName) names.set(user.accountId, user.displayName);
    }
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    ctx.log.debug('user names unavailable', { error: (error as Error).message });
  }
  return names;
}
