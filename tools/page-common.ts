import { z } from 'zod';
import { type GetPageParams, getPage, getUsers } from '../src/confluence/index.js';
import { pageIdFromReference, referenceUrl, urlIsOnSite, webUrl } from '../src/confluence/links.js';
import type { Page } from '../src/confluence/types.js';
import { type ToolContext, ToolInputError, ToolRefusal } from './define.js';
import { compact } from './shared.js';

/** The `page` argument every page tool takes. */
export const pageArgument = z
  .string()
  .min(1)
  .max(2048)
  .describe(
    'Page id (e.g. 123456), page URL (.../wiki/spaces/ENG/pages/123456/Title) or tiny link (.../wiki/x/AbCd).',
  );

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
  const page = await getPage(ctx.confluence, {
    id,
    ...(options.body ? { bodyFormat: 'storage' as const } : {}),
    ...(options.version ? { version: options.version } : {}),
    ...(options.status ? { status: options.status } : {}),
    signal: ctx.signal,
  });
  checkUrlSite(ctx, reference, page);
  await ctx.spaces.checkSpaceId(page.spaceId, `page ${id}`);
  return page;
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

/** A page as list tools report it. */
export const pageSummaryOutput = z.object({
  id: z.string(),
  title: z.string(),
  status: z.string(),
  space_id: z.string(),
  parent_id: z.string().optional(),
  version: z.int().optional(),
  updated_at: z.string().optional(),
  web_url: z.string().optional(),
});

export function projectSummary(page: Page, base: string | undefined): z.input<typeof pageSummaryOutput> {
  return compact({
    id: page.id,
    title: page.title,
    status: page.status,
    space_id: page.spaceId,
    parent_id: page.parentId ?? undefined,
    version: page.version?.number,
    updated_at: page.version?.createdAt,
    web_url: webUrl(base ?? page._links?.base, page._links?.webui),
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
