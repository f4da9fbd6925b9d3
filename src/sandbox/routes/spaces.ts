import {
  type ApiRouter,
  enumParam,
  idListParam,
  idParam,
  listParam,
  notFound,
  route,
  v2Page,
} from '../api.js';
import { HttpError, v2Error } from '../http.js';
import type { SandboxSpace } from '../model.js';
import { labelJson, spaceJson } from '../represent.js';

const READ = [['read:space:confluence']];
const SORTS = ['id', '-id', 'key', '-key', 'name', '-name'] as const;

function sortSpaces(spaces: SandboxSpace[], sort: (typeof SORTS)[number] | undefined): SandboxSpace[] {
  const field = (sort?.replace('-', '') ?? 'id') as 'id' | 'key' | 'name';
  const dir = sort?.startsWith('-') ? -1 : 1;
  const key = (s: SandboxSpace) => (field === 'id' ? Number(s.id) : s[field].toLowerCase());
  return spaces.sort((a, b) => (key(a) < key(b) ? -dir : key(a) > key(b) ? dir : 0));
}

export function registerSpaceRoutes(router: ApiRouter): void {
  route(router, 'GET', '/api/v2/spaces', READ, (ctx) => {
    const ids = new Set(idListParam(ctx, 'ids'));
    const keys = new Set(listParam(ctx, 'keys'));
    const labels = listParam(ctx, 'labels');
    const type = enumParam(ctx, 'type', [
      'global',
      'collaboration',
      'knowledge_base',
      'personal',
      'system',
      'onboarding',
      'xflow_sample_space',
    ] as const);
    const status = enumParam(ctx, 'status', ['current', 'archived'] as const);
    const descriptionFormat = enumParam(ctx, 'description-format', ['plain', 'view'] as const);
    const sort = enumParam(ctx, 'sort', SORTS);
    const spaces = [...ctx.site.spaces.values()].filter(
      (s) =>
        (!ids.size || ids.has(s.id)) &&
        (!keys.size || keys.has(s.key)) &&
        (!type || s.type === type) &&
        (!status || s.status === status) &&
        (!labels.length || labels.some((l) => s.labels.has(l))) &&
        ctx.site.canViewSpace(s, ctx.user.accountId),
    );
    return v2Page(
      ctx,
      sortSpaces(spaces, sort).map((s) => spaceJson(ctx, s, { descriptionFormat })),
    );
  });

  route(router, 'GET', '/api/v2/spaces/:id', READ, (ctx, params) => {
    const space = ctx.site.visibleSpace(idParam(params.id), ctx.user.accountId) ?? notFound('Space');
    const descriptionFormat = enumParam(ctx, 'description-format', ['plain', 'view'] as const);
    const json: Record<string, unknown> = spaceJson(ctx, space, { descriptionFormat, single: true });
    if (ctx.query.get('include-labels') === 'true') {
      json.labels = {
        results: [...space.labels].sort().map((name) => labelJson(ctx, name)),
        meta: { hasMore: false, cursor: '' },
        _links: { self: '' },
      };
    }
    return { status: 200, body: json };
  });

  route(router, 'POST', '/api/v2/spaces', [['write:space:confluence']], async (ctx) => {
    if (!ctx.site.roleBasedAccess) {
      throw v2Error(
        400,
        'Space creation with this API is only available on sites with role-based access control',
      );
    }
    const input = (await ctx.json()) as Record<string, unknown>;
    if (!input || typeof input !== 'object') throw v2Error(400, 'The body must be a JSON object');
    const name = typeof input.name === 'string' ? input.name.trim() : '';
    if (!name) throw v2Error(400, 'name is required');
    const key =
      typeof input.key === 'string' ? input.key : typeof input.alias === 'string' ? input.alias : '';
    if (!/^[A-Za-z0-9]{1,255}$/.test(key)) {
      throw v2Error(400, 'key must be 1-255 letters or digits');
    }
    if (ctx.site.spaceByKey(key)) throw v2Error(400, `A space with key ${key} already exists`);
    const description = input.description as { value?: unknown; representation?: unknown } | undefined;
    if (description && description.representation !== undefined && description.representation !== 'plain') {
      throw v2Error(400, 'description.representation must be plain');
    }
    const space: SandboxSpace = {
      id: ctx.site.nextId(),
      key,
      name,
      type: 'global',
      status: 'current',
      description: typeof description?.value === 'string' ? description.value : '',
      authorId: ctx.user.accountId,
      createdAt: ctx.site.now(),
      homepageId: undefined,
      labels: new Set(),
      viewRestriction: undefined,
    };
    ctx.site.spaces.set(space.id, space);
    const home = ctx.site.createPage({
      space,
      title: `${name} Home`,
      body: '<p>Welcome to your new space.</p>',
      parentId: undefined,
      status: 'current',
      authorId: ctx.user.accountId,
    });
    home.parentId = undefined;
    space.homepageId = home.id;
    const json = spaceJson(ctx, space, { descriptionFormat: 'plain', single: true });
    return { status: 201, body: json };
  });

  route(router, 'GET', '/api/v2/spaces/:id/permissions', READ, (ctx, params) => {
    const space = ctx.site.visibleSpace(idParam(params.id), ctx.user.accountId) ?? notFound('Space');
    // The seed has no permission scheme; this is the usual one: everyone reads and writes, the creator administers.
    const everyone = [...ctx.site.groups.values()].find((g) => g.name === 'confluence-users');
    const assignments: Record<string, unknown>[] = [];
    const add = (type: 'user' | 'group', id: string, key: string, targetType: string) =>
      assignments.push({
        id: String(assignments.length + 1),
        principal: { type, id },
        operation: { key, targetType },
      });
    if (everyone) {
      for (const [key, target] of [
        ['read', 'space'],
        ['create', 'page'],
        ['update', 'page'],
        ['delete', 'page'],
        ['create', 'comment'],
      ]) {
        add('group', everyone.id, key as string, target as string);
      }
    }
    add('user', space.authorId, 'administer', 'space');
    add('user', space.authorId, 'restrict_content', 'space');
    return v2Page(ctx, assignments);
  });

  route(router, 'GET', '/api/v2/spaces/:id/labels', READ, (ctx, params) => {
    const space = ctx.site.visibleSpace(idParam(params.id), ctx.user.accountId) ?? notFound('Space');
    return v2Page(
      ctx,
      [...space.labels].sort().map((name) => labelJson(ctx, name)),
    );
  });

  // Retired in August 2026 behind the OAuth gateway; v2 replaces them.
  for (const [method, path] of [
    ['GET', '/rest/api/space'],
    ['GET', '/rest/api/content'],
    ['POST', '/rest/api/content'],
    ['PUT', '/rest/api/content/:id'],
    ['GET', '/rest/api/content/:id'],
  ] as const) {
    route(router, method, path, [], () => {
      throw new HttpError(410, {
        statusCode: 410,
        message: 'This API has been removed. Use the Confluence REST API v2 instead.',
      });
    });
  }
}
