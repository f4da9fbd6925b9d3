import { type ApiContext, type ApiRouter, intParam, ok, route } from '../api.js';
import { v1Error } from '../http.js';
import type { SandboxGroup } from '../model.js';
import { userV1Json } from '../represent.js';

const GROUPS = [['read:confluence-groups'], ['read:group:confluence']];

function groupJson(ctx: ApiContext, group: SandboxGroup) {
  return {
    type: 'group',
    name: group.name,
    id: group.id,
    _links: { self: `${ctx.base}/rest/api/group/by-id?id=${group.id}` },
  };
}

/** A v1 offset page: `results`, `start`, `limit`, `size` and a relative `next` link while more remain. */
function offsetPage<T>(ctx: ApiContext, path: string, items: readonly T[], maxLimit: number, extra = '') {
  const start = intParam(ctx, 'start', 0, 0, 1_000_000);
  const limit = Math.min(intParam(ctx, 'limit', maxLimit, 1, 1_000_000), maxLimit);
  const results = items.slice(start, start + limit);
  const links: Record<string, string> = { base: ctx.base, context: '/wiki', self: `${ctx.base}${path}` };
  if (start + results.length < items.length) {
    links.next = `${path}?${extra}start=${start + results.length}&limit=${limit}`;
  }
  return ok({ results, start, limit, size: results.length, _links: links });
}

function sortedGroups(ctx: ApiContext): SandboxGroup[] {
  return [...ctx.site.groups.values()].sort((a, b) => a.name.localeCompare(b.name));
}

export function registerGroupRoutes(router: ApiRouter): void {
  route(router, 'GET', '/rest/api/group', GROUPS, (ctx) =>
    offsetPage(
      ctx,
      '/rest/api/group',
      sortedGroups(ctx).map((g) => groupJson(ctx, g)),
      200,
    ),
  );

  route(router, 'GET', '/rest/api/group/by-id', GROUPS, (ctx) => {
    const group = ctx.site.groups.get(ctx.query.get('id') ?? '');
    if (!group) throw v1Error(404, 'Group not found');
    return ok(groupJson(ctx, group));
  });

  route(router, 'GET', '/rest/api/group/picker', GROUPS, (ctx) => {
    const query = (ctx.query.get('query') ?? '').toLowerCase();
    const found = sortedGroups(ctx).filter((g) => g.name.toLowerCase().includes(query));
    return offsetPage(
      ctx,
      '/rest/api/group/picker',
      found.map((g) => groupJson(ctx, g)),
      200,
      `query=${encodeURIComponent(query)}&`,
    );
  });

  route(
    router,
    'GET',
    '/rest/api/group/:groupId/membersByGroupId',
    [['read:confluence-groups'], ['read:group:confluence', 'read:user:confluence']],
    (ctx, params) => {
      // An unknown group id answers an empty page, not a 404.
      const group = ctx.site.groups.get(params.groupId ?? '');
      const members = group
        ? [...group.memberIds]
            .map((id) => ctx.site.users.get(id))
            .filter((u) => u !== undefined)
            .sort((a, b) => a.displayName.localeCompare(b.displayName))
        : [];
      return offsetPage(
        ctx,
        `/rest/api/group/${params.groupId}/membersByGroupId`,
        members.map((u) => userV1Json(ctx, u)),
        200,
      );
    },
  );
}
