import { canonicalId } from '../../confluence/index.js';
import { storageProblem } from '../../content/index.js';
import {
  type ApiContext,
  type ApiRouter,
  boolParam,
  enumParam,
  idListParam,
  idParam,
  intParam,
  listParam,
  notFound,
  ok,
  route,
  v2Page,
} from '../api.js';
import { HttpError, v1Error, v2Error } from '../http.js';
import { currentVersion, type PageStatus, type SandboxPage } from '../model.js';
import { type BodyFormat, labelJson, pageJson, versionJson } from '../represent.js';

const READ = [['read:page:confluence']];
const WRITE = [['write:page:confluence']];
const TREE = [['read:hierarchical-content:confluence']];
const SORTS = [
  'id',
  '-id',
  'created-date',
  '-created-date',
  'modified-date',
  '-modified-date',
  'title',
  '-title',
] as const;
const MAX_BODY = 5 * 1024 * 1024;

type Sort = (typeof SORTS)[number];

export function sortPages(pages: SandboxPage[], sort: Sort | undefined): SandboxPage[] {
  const key = (p: SandboxPage): string | number => {
    switch (sort?.replace('-', '')) {
      case 'title':
        return currentVersion(p).title.toLowerCase();
      case 'created-date':
        return p.createdAt;
      case 'modified-date':
        return currentVersion(p).createdAt;
      default:
        return Number(p.id);
    }
  };
  const dir = sort?.startsWith('-') ? -1 : 1;
  return pages.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    return ka < kb ? -dir : ka > kb ? dir : Number(a.id) - Number(b.id);
  });
}

function statuses(ctx: ApiContext, def: PageStatus[]): PageStatus[] {
  const values = listParam(ctx, 'status');
  for (const v of values) {
    if (!['current', 'archived', 'deleted', 'trashed', 'draft'].includes(v)) {
      throw v2Error(400, `Invalid status '${v}'`);
    }
  }
  return values.length ? (values.map((v) => (v === 'deleted' ? 'trashed' : v)) as PageStatus[]) : def;
}

function visibleOrThrow(ctx: ApiContext, id: string, statusesAllowed?: PageStatus[]): SandboxPage {
  return ctx.site.visiblePage(id, ctx.user.accountId, statusesAllowed) ?? notFound('Page');
}

function bodyOf(input: Record<string, unknown>): string {
  const body = input.body as Record<string, unknown> | undefined;
  const write = (body && 'representation' in body ? body : body?.storage) as
    | { representation?: unknown; value?: unknown }
    | undefined;
  if (!write || typeof write.value !== 'string') throw v2Error(400, 'body.value is required');
  if (write.representation !== 'storage') {
    throw v2Error(
      400,
      `The sandbox accepts only representation "storage", not "${String(write.representation)}"`,
    );
  }
  const problem = storageProblem(write.value);
  if (problem) throw v2Error(400, `Error parsing xhtml: ${problem}`);
  return write.value;
}

export function registerPageRoutes(router: ApiRouter): void {
  route(router, 'GET', '/api/v2/pages', READ, (ctx) => {
    const ids = new Set(idListParam(ctx, 'id'));
    const spaceIds = new Set(idListParam(ctx, 'space-id'));
    const allowed = statuses(ctx, ['current', 'archived']);
    const title = ctx.query.get('title');
    const bodyFormat = enumParam(ctx, 'body-format', ['storage', 'atlas_doc_format'] as const);
    const sort = enumParam(ctx, 'sort', SORTS);
    const pages = [...ctx.site.pages.values()].filter(
      (p) =>
        (!ids.size || ids.has(p.id)) &&
        (!spaceIds.size || spaceIds.has(p.spaceId)) &&
        allowed.includes(p.status) &&
        (title === null || currentVersion(p).title === title) &&
        ctx.site.canView(p, ctx.user.accountId),
    );
    return v2Page(
      ctx,
      sortPages(pages, sort).map((p) => pageJson(ctx, p, { bodyFormat })),
    );
  });

  route(router, 'GET', '/api/v2/spaces/:id/pages', READ, (ctx, params) => {
    const space = ctx.site.visibleSpace(idParam(params.id), ctx.user.accountId) ?? notFound('Space');
    const allowed = statuses(ctx, ['current', 'archived']);
    const title = ctx.query.get('title');
    const depth = ctx.query.get('depth');
    const bodyFormat = enumParam(ctx, 'body-format', ['storage', 'atlas_doc_format'] as const);
    const sort = enumParam(ctx, 'sort', SORTS);
    const pages = [...ctx.site.pages.values()].filter(
      (p) =>
        p.spaceId === space.id &&
        allowed.includes(p.status) &&
        (title === null || currentVersion(p).title === title) &&
        (depth !== 'root' || p.id === space.homepageId) &&
        ctx.site.canView(p, ctx.user.accountId),
    );
    return v2Page(
      ctx,
      sortPages(pages, sort).map((p) => pageJson(ctx, p, { bodyFormat })),
    );
  });

  route(router, 'GET', '/api/v2/pages/:id', READ, (ctx, params) => {
    const wanted = statuses(ctx, ['current', 'archived', 'draft']);
    const page = visibleOrThrow(ctx, idParam(params.id), [...wanted, 'draft']);
    const bodyFormat = enumParam(ctx, 'body-format', [
      'storage',
      'atlas_doc_format',
      'view',
      'export_view',
      'anonymous_export_view',
      'styled_view',
      'editor',
    ] as const);
    const versionNumber = ctx.query.get('version');
    let version = currentVersion(page);
    if (versionNumber !== null) {
      const n = intParam(ctx, 'version', 0, 1, 1_000_000);
      version = page.versions.find((v) => v.number === n) ?? notFound('Version');
    }
    const json = pageJson(ctx, page, {
      bodyFormat: bodyFormat as BodyFormat | undefined,
      version,
      single: true,
    });
    if (boolParam(ctx, 'include-labels')) {
      const labels = [...page.labels].sort().map((name) => labelJson(ctx, name));
      return ok({
        ...json,
        labels: { results: labels, meta: { hasMore: false, cursor: '' }, _links: { self: '' } },
      });
    }
    return ok(json);
  });

  route(router, 'POST', '/api/v2/pages', WRITE, async (ctx) => {
    const input = (await ctx.json()) as Record<string, unknown>;
    if (!input || typeof input !== 'object') throw v2Error(400, 'The body must be a JSON object');
    if (JSON.stringify(input).length > MAX_BODY) throw v2Error(413, 'Page body exceeds 5 MB');
    if (typeof input.spaceId !== 'string') throw v2Error(400, 'spaceId is required');
    const space = ctx.site.visibleSpace(input.spaceId, ctx.user.accountId) ?? notFound('Space');
    const title = typeof input.title === 'string' ? input.title.trim() : '';
    const status = input.status === 'draft' ? 'draft' : 'current';
    if (!title && status === 'current') throw v2Error(400, 'Title is required for a published page');
    const body = bodyOf(input);
    let parentId: string | undefined;
    if (input.parentId !== undefined) {
      const parent = visibleOrThrow(ctx, String(input.parentId));
      if (parent.spaceId !== space.id) throw v2Error(400, 'The parent page is in another space');
      parentId = parent.id;
    }
    if (status === 'current' && ctx.site.titleTaken(space.id, title)) {
      throw v2Error(
        400,
        `A page with this title already exists: A page already exists with the same TITLE in this space`,
      );
    }
    const page = ctx.site.createPage({ space, title, body, parentId, status, authorId: ctx.user.accountId });
    return ok(pageJson(ctx, page, { bodyFormat: 'storage', single: true }));
  });

  route(router, 'PUT', '/api/v2/pages/:id', WRITE, async (ctx, params) => {
    const page = visibleOrThrow(ctx, idParam(params.id));
    const input = (await ctx.json()) as Record<string, unknown>;
    if (!input || typeof input !== 'object') throw v2Error(400, 'The body must be a JSON object');
    if (String(input.id) !== page.id) throw v2Error(400, 'The id in the body does not match the path');
    if (!ctx.site.canEdit(page, ctx.user.accountId)) {
      throw v2Error(403, 'You do not have permission to edit this page');
    }
    const versionInput = input.version as { number?: unknown; message?: unknown } | undefined;
    if (typeof versionInput?.number !== 'number') throw v2Error(400, 'version.number is required');
    const current = currentVersion(page);
    if (versionInput.number !== current.number + 1) {
      throw new HttpError(409, {
        errors: [
          {
            status: 409,
            code: 'CONFLICT',
            title: `Version must be incremented on update. Current Version: [${current.number}]`,
            detail: null,
          },
        ],
      });
    }
    const title = typeof input.title === 'string' ? input.title.trim() : '';
    if (!title) throw v2Error(400, 'Title is required');
    if (input.status !== 'current' && input.status !== 'draft')
      throw v2Error(400, 'status must be current or draft');
    const body = bodyOf(input);
    if (input.spaceId !== undefined && canonicalId(String(input.spaceId)) !== page.spaceId) {
      throw v2Error(400, 'A page cannot be moved to another space by an update');
    }
    if (input.parentId !== undefined && canonicalId(String(input.parentId)) !== page.parentId) {
      const parent = visibleOrThrow(ctx, String(input.parentId));
      if (parent.spaceId !== page.spaceId) throw v2Error(400, 'The parent page is in another space');
      if (ctx.site.isSelfOrDescendant(parent.id, page.id))
        throw v2Error(400, 'A page cannot be its own ancestor');
      page.parentId = parent.id;
    }
    if (ctx.site.titleTaken(page.spaceId, title, page.id)) {
      throw v2Error(
        400,
        'A page with this title already exists: A page already exists with the same TITLE in this space',
      );
    }
    page.status = input.status;
    page.versions.push({
      number: current.number + 1,
      title,
      body,
      message: typeof versionInput.message === 'string' ? versionInput.message : '',
      minorEdit: false,
      authorId: ctx.user.accountId,
      createdAt: ctx.site.now(),
    });
    return ok(pageJson(ctx, page, { bodyFormat: 'storage', single: true }));
  });

  route(router, 'DELETE', '/api/v2/pages/:id', [['delete:page:confluence']], (ctx, params) => {
    const purge = boolParam(ctx, 'purge');
    const draft = boolParam(ctx, 'draft');
    const page = visibleOrThrow(ctx, idParam(params.id), ['current', 'archived', 'draft', 'trashed']);
    if (!ctx.site.canEdit(page, ctx.user.accountId))
      throw v2Error(403, 'You do not have permission to delete this page');
    if (draft !== (page.status === 'draft')) {
      throw v2Error(400, draft ? 'The page is not a draft' : 'Use draft=true to delete a draft');
    }
    if (page.status === 'draft') ctx.site.purge(page);
    else if (purge) {
      if (page.status !== 'trashed') throw v2Error(400, 'Only a trashed page can be purged; delete it first');
      ctx.site.purge(page);
    } else {
      if (page.status === 'trashed') notFound('Page');
      if (page.id === ctx.site.spaces.get(page.spaceId)?.homepageId) {
        throw v2Error(400, 'The space home page cannot be deleted');
      }
      ctx.site.trash(page);
    }
    return { status: 204 };
  });

  route(router, 'GET', '/api/v2/pages/:id/versions', READ, (ctx, params) => {
    const page = visibleOrThrow(ctx, idParam(params.id));
    const sort = enumParam(ctx, 'sort', ['modified-date', '-modified-date'] as const) ?? '-modified-date';
    const versions = [...page.versions];
    if (sort === '-modified-date') versions.reverse();
    const withBody = enumParam(ctx, 'body-format', ['storage', 'atlas_doc_format'] as const);
    return v2Page(
      ctx,
      versions.map((v) => ({
        ...versionJson(v),
        page: {
          id: page.id,
          title: v.title,
          ...(withBody === 'storage'
            ? { body: { storage: { representation: 'storage', value: v.body } } }
            : {}),
        },
      })),
      50,
    );
  });

  route(router, 'GET', '/api/v2/pages/:page-id/versions/:version-number', READ, (ctx, params) => {
    const page = visibleOrThrow(ctx, idParam(params['page-id'], 'page-id'));
    const n = Number(idParam(params['version-number'], 'version-number'));
    const v = page.versions.find((x) => x.number === n) ?? notFound('Version');
    const detailed: Record<string, unknown> = {
      ...versionJson(v),
      contentTypeModified: false,
      collaborators: [v.authorId],
    };
    if (n > 1) detailed.prevVersion = n - 1;
    if (n < page.versions.length) detailed.nextVersion = n + 1;
    return ok(detailed);
  });

  route(router, 'GET', '/api/v2/pages/:id/direct-children', TREE, (ctx, params) => {
    const page = visibleOrThrow(ctx, idParam(params.id));
    const children = ctx.site
      .children(page.id)
      .filter(
        (c) => (c.status === 'current' || c.status === 'archived') && ctx.site.canView(c, ctx.user.accountId),
      );
    return v2Page(
      ctx,
      children.map((c) => ({
        id: c.id,
        status: c.status,
        title: currentVersion(c).title,
        type: 'page',
        spaceId: c.spaceId,
        childPosition: c.position,
      })),
    );
  });

  route(router, 'GET', '/api/v2/pages/:id/descendants', TREE, (ctx, params) => {
    const page = visibleOrThrow(ctx, idParam(params.id));
    const maxDepth = intParam(ctx, 'depth', 2, 1, 10);
    const out: Record<string, unknown>[] = [];
    // Breadth-first, like Confluence: all of depth 1, then depth 2, ...
    let level: SandboxPage[] = [page];
    for (let depth = 1; depth <= maxDepth && level.length; depth++) {
      const next: SandboxPage[] = [];
      for (const parent of level) {
        for (const child of ctx.site.children(parent.id)) {
          if (!(child.status === 'current' || child.status === 'archived')) continue;
          if (!ctx.site.canView(child, ctx.user.accountId)) continue;
          out.push({
            id: child.id,
            status: child.status,
            title: currentVersion(child).title,
            type: 'page',
            parentId: parent.id,
            depth,
            childPosition: child.position,
          });
          next.push(child);
        }
      }
      level = next;
    }
    return v2Page(ctx, out);
  });

  route(
    router,
    'PUT',
    '/rest/api/content/:pageId/move/:position/:targetId',
    [['write:confluence-content'], ['write:page:confluence']],
    (ctx, params) => {
      const page = ctx.site.visiblePage(params.pageId ?? '', ctx.user.accountId);
      const target = ctx.site.visiblePage(params.targetId ?? '', ctx.user.accountId);
      if (!page || !target) throw v1Error(404, 'No content found with that id');
      const position = params.position;
      if (position !== 'before' && position !== 'after' && position !== 'append') {
        throw v1Error(400, `Invalid position ${position}: use before, after or append`);
      }
      if (!ctx.site.canEdit(page, ctx.user.accountId)) throw v1Error(403, 'Not permitted to move this page');
      const newParent =
        position === 'append' ? target : target.parentId ? ctx.site.pages.get(target.parentId) : undefined;
      if (!newParent) throw v1Error(400, 'A page cannot be moved beside a space home page');
      if (ctx.site.isSelfOrDescendant(newParent.id, page.id))
        throw v1Error(400, 'A page cannot be moved below itself');
      if (position !== 'append' && target.id === page.id)
        throw v1Error(400, 'A page cannot be moved beside itself');
      const siblings = ctx.site.children(newParent.id).filter((p) => p.id !== page.id);
      let index = siblings.length;
      if (position !== 'append')
        index = siblings.findIndex((s) => s.id === target.id) + (position === 'after' ? 1 : 0);
      siblings.splice(index, 0, page);
      siblings.forEach((s, i) => {
        s.position = i;
      });
      page.parentId = newParent.id;
      if (page.spaceId !== newParent.spaceId) {
        // Moving to another space takes the whole subtree along.
        const stack = [page];
        while (stack.length) {
          const p = stack.pop() as SandboxPage;
          p.spaceId = newParent.spaceId;
          stack.push(...ctx.site.children(p.id));
        }
      }
      return ok({ pageId: page.id });
    },
  );

  route(router, 'GET', '/api/v2/pages/:id/labels', READ, (ctx, params) => {
    const page = visibleOrThrow(ctx, idParam(params.id));
    const prefix = enumParam(ctx, 'prefix', ['my', 'team', 'global', 'system'] as const);
    const labels =
      prefix && prefix !== 'global' ? [] : [...page.labels].sort().map((name) => labelJson(ctx, name));
    return v2Page(ctx, labels);
  });
}
