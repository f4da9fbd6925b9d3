import { type ApiRouter, idListParam, idParam, listParam, notFound, route, v2Page } from '../api.js';
import { v1Error } from '../http.js';
import { labelJson, pageJson } from '../represent.js';

export function registerLabelRoutes(router: ApiRouter): void {
  route(router, 'GET', '/api/v2/labels', [['read:label:confluence']], (ctx) => {
    const ids = new Set(idListParam(ctx, 'label-id'));
    const prefixes = listParam(ctx, 'prefix');
    const names = [...ctx.site.labelIds.entries()]
      .filter(([, id]) => !ids.size || ids.has(id))
      .filter(() => !prefixes.length || prefixes.includes('global'))
      .map(([name]) => name)
      .sort();
    return v2Page(
      ctx,
      names.map((name) => labelJson(ctx, name)),
    );
  });

  route(router, 'GET', '/api/v2/labels/:id/pages', [['read:page:confluence']], (ctx, params) => {
    const name = ctx.site.labelName(idParam(params.id)) ?? notFound('Label');
    const pages = [...ctx.site.pages.values()].filter(
      (p) => p.status === 'current' && p.labels.has(name) && ctx.site.canView(p, ctx.user.accountId),
    );
    return v2Page(
      ctx,
      pages.map((p) => pageJson(ctx, p)),
    );
  });

  route(
    router,
    'POST',
    '/rest/api/content/:id/label',
    [['write:confluence-content'], ['read:label:confluence', 'write:label:confluence']],
    async (ctx, params) => {
      const page = ctx.site.visiblePage(params.id ?? '', ctx.user.accountId);
      if (!page) throw v1Error(404, `No content found with id: ContentId{id=${params.id}}`);
      if (!ctx.site.canEdit(page, ctx.user.accountId)) {
        throw v1Error(403, 'User not permitted to add labels to this content');
      }
      const input = await ctx.json();
      const items = Array.isArray(input) ? input : [input];
      const names: string[] = [];
      for (const item of items) {
        const { prefix, name } = (item ?? {}) as { prefix?: unknown; name?: unknown };
        if (typeof name !== 'string' || !/^[^\s:]{1,255}$/.test(name)) {
          throw v1Error(400, `Invalid label name: ${String(name)}`);
        }
        if (prefix !== undefined && prefix !== 'global')
          throw v1Error(400, `Unsupported label prefix: ${String(prefix)}`);
        names.push(name.toLowerCase());
      }
      for (const name of names) page.labels.add(name);
      const results = [...page.labels].sort().map((name) => ({ ...labelJson(ctx, name), label: name }));
      return {
        status: 200,
        body: { results, start: 0, limit: 200, size: results.length, _links: { base: ctx.base } },
      };
    },
  );

  route(
    router,
    'DELETE',
    '/rest/api/content/:id/label',
    [['write:confluence-content'], ['write:label:confluence']],
    (ctx, params) => {
      const page = ctx.site.visiblePage(params.id ?? '', ctx.user.accountId);
      if (!page) throw v1Error(404, `No content found with id: ContentId{id=${params.id}}`);
      const name = ctx.query.get('name');
      if (!name) throw v1Error(400, 'The name parameter is required');
      if (!ctx.site.canEdit(page, ctx.user.accountId)) {
        throw v1Error(403, 'User not permitted to remove labels from this content');
      }
      if (!page.labels.delete(name.toLowerCase())) throw v1Error(404, `Label ${name} is not on this content`);
      return { status: 204 };
    },
  );
}
