import { type ApiContext, type ApiRouter, intParam, ok, route } from '../api.js';
import { parseCql } from '../cql.js';
import { v1Error, v2Error } from '../http.js';
import type { SandboxUser } from '../model.js';
import { userV1Json, userV2Json } from '../represent.js';

const CONTENT_DETAILS = [['read:confluence-user'], ['read:content-details:confluence']];

function userSearchResult(ctx: ApiContext, user: SandboxUser) {
  return {
    user: userV1Json(ctx, user),
    title: user.displayName,
    excerpt: '',
    url: `/people/${user.accountId}`,
    breadcrumbs: [],
    entityType: 'user',
    iconCssClass: 'aui-icon content-type-profile',
    lastModified: ctx.site.now(),
    score: 0,
  };
}

export function registerUserRoutes(router: ApiRouter): void {
  route(router, 'POST', '/api/v2/users-bulk', [['read:user:confluence']], async (ctx) => {
    const input = (await ctx.json()) as { accountIds?: unknown };
    const ids = input?.accountIds;
    if (!Array.isArray(ids) || !ids.length || ids.length > 250 || !ids.every((i) => typeof i === 'string')) {
      throw v2Error(400, 'accountIds must hold 1 to 250 account ids');
    }
    const results = ids.flatMap((id) => {
      const user = ctx.site.users.get(id as string);
      return user ? [userV2Json(user)] : [];
    });
    return ok({ results, _links: { base: ctx.base } });
  });

  route(router, 'GET', '/rest/api/user/current', CONTENT_DETAILS, (ctx) => ok(userV1Json(ctx, ctx.user)));

  route(router, 'GET', '/rest/api/user', CONTENT_DETAILS, (ctx) => {
    const accountId = ctx.query.get('accountId');
    if (!accountId) throw v1Error(400, 'accountId is required');
    const user = ctx.site.users.get(accountId);
    if (!user) throw v1Error(404, `No user found with accountId ${accountId}`);
    return ok(userV1Json(ctx, user));
  });

  route(router, 'GET', '/rest/api/search/user', [['read:content-details:confluence']], (ctx) => {
    const cql = ctx.query.get('cql');
    if (!cql) throw v1Error(400, 'cql is required');
    const start = intParam(ctx, 'start', 0, 0, 1_000_000);
    const limit = intParam(ctx, 'limit', 25, 1, 1000);
    let matches: (user: SandboxUser) => boolean;
    try {
      matches = parseCql(cql).userPredicate();
    } catch (error) {
      throw v1Error(400, `Could not parse cql : ${cql}: ${(error as Error).message}`);
    }
    const users = [...ctx.site.users.values()]
      .filter(matches)
      .sort((a, b) => a.displayName.localeCompare(b.displayName));
    const slice = users.slice(start, start + Math.min(limit, 50));
    const links: Record<string, string> = { base: ctx.base, context: '/wiki' };
    if (start + slice.length < users.length) {
      links.next = `/rest/api/search/user?cql=${encodeURIComponent(cql)}&start=${start + slice.length}&limit=${limit}`;
    }
    return ok({
      results: slice.map((u) => userSearchResult(ctx, u)),
      start,
      limit,
      size: slice.length,
      totalSize: users.length,
      cqlQuery: cql,
      searchDuration: 3,
      _links: links,
    });
  });
}
