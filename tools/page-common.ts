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
import { type ToolContext, ToolInputError, ToolRefusal } from './define.js';
import { compact, idInput } from './shared.js';

/** The `page` argument every page tool takes. */
export const pageArgument = idInput(z.string().min(1).max(2048)).describe(
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
