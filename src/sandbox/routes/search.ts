import { encodeTinyLink } from '../../confluence/index.js';
import { type ApiRouter, intParam, listParam, ok, route } from '../api.js';
import { CqlError, parseCql } from '../cql.js';
import { v1Error } from '../http.js';
import { currentVersion, type PageVersionRecord, type SandboxPage } from '../model.js';
import { storageText } from '../render.js';
import { pageWebPath } from '../represent.js';
import type { Site } from '../site.js';

// Body text is derived from a version, which never changes once written: cache it per version record.
const textCache = new WeakMap<PageVersionRecord, string>();
function textOf(version: PageVersionRecord): string {
  let text = textCache.get(version);
  if (text === undefined) {
    text = storageText(version.body);
    textCache.set(version, text);
  }
  return text;
}

function excerpt(text: string, terms: string[], highlight: boolean): string {
  const lower = text.toLowerCase();
  let at = -1;
  for (const t of terms) {
    const i = lower.indexOf(t);
    if (i >= 0 && (at < 0 || i < at)) at = i;
  }
  const start = Math.max(0, at - 80);
  let snippet = text.slice(start, start + 240);
  if (highlight && terms.length) {
    const pattern = new RegExp(
      `(${terms.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`,
      'gi',
    );
    snippet = snippet.replace(pattern, '@@@hl@@@$1@@@endhl@@@');
  }
  return `${start > 0 ? '...' : ''}${snippet}${start + 240 < text.length ? '...' : ''}`;
}

function ancestors(site: Site, page: SandboxPage): string[] {
  const ids: string[] = [];
  for (let p = page.parentId ? site.pages.get(page.parentId) : undefined; p; ) {
    ids.push(p.id);
    p = p.parentId ? site.pages.get(p.parentId) : undefined;
  }
  return ids;
}

/** A page a query matched, with the facts it matched on. */
export interface SearchHit {
  page: SandboxPage;
  title: string;
  text: string;
  modified: string;
}

/**
 * The current pages a parsed query matches among those the user may see, as the search endpoint finds them (spaces
 * archived are left out unless asked for). Throws CqlError for a field or operator outside the sandbox's subset.
 */
export function matchingPages(
  site: Site,
  query: ReturnType<typeof parseCql>,
  accountId: string,
  options: { includeArchivedSpaces?: boolean } = {},
): SearchHit[] {
  const now = Date.parse(site.now());
  const hits: SearchHit[] = [];
  for (const page of site.pages.values()) {
    if (page.status !== 'current' || !site.canView(page, accountId)) continue;
    const space = site.spaces.get(page.spaceId);
    if (!space || (space.status === 'archived' && !options.includeArchivedSpaces)) continue;
    const version = currentVersion(page);
    const facts = {
      page,
      title: version.title,
      text: textOf(version),
      spaceKey: space.key,
      ancestors: ancestors(site, page),
      modified: version.createdAt,
      currentUser: accountId,
      now,
    };
    if (query.matchesContent(facts))
      hits.push({ page, title: facts.title, text: facts.text, modified: facts.modified });
  }
  return hits;
}

export function registerSearchRoutes(router: ApiRouter): void {
  route(
    router,
    'GET',
    '/rest/api/search',
    [['search:confluence'], ['read:content-details:confluence']],
    (ctx) => {
      const cql = ctx.query.get('cql');
      if (!cql) throw v1Error(400, 'cql is required');
      const limit = intParam(ctx, 'limit', 25, 0, 1000);
      const cursor = ctx.query.get('cursor');
      let start = intParam(ctx, 'start', 0, 0, 1_000_000);
      if (cursor) {
        const decoded = Number.parseInt(
          Buffer.from(cursor, 'base64url').toString('utf8').replace(/^s:/, ''),
          10,
        );
        if (!Number.isFinite(decoded) || decoded < 0) throw v1Error(400, 'Invalid cursor');
        start = decoded;
      }
      const expand = new Set(listParam(ctx, 'expand'));
      const mode = ctx.query.get('excerpt') ?? 'highlight';
      const started = performance.now();
      let query: ReturnType<typeof parseCql>;
      try {
        query = parseCql(cql);
      } catch (error) {
        throw v1Error(400, `Could not parse cql : ${cql}: ${(error as Error).message}`);
      }
      const terms = query.searchTerms();
      let hits: SearchHit[];
      try {
        hits = matchingPages(ctx.site, query, ctx.user.accountId, {
          includeArchivedSpaces: ctx.query.get('includeArchivedSpaces') === 'true',
        });
      } catch (error) {
        if (error instanceof CqlError) throw v1Error(400, `Could not parse cql : ${cql}: ${error.message}`);
        throw error;
      }
      const [order] = query.order;
      hits.sort((a, b) => {
        if (order) {
          const key = (h: (typeof hits)[number]) =>
            order.field === 'title'
              ? h.title.toLowerCase()
              : order.field === 'created'
                ? h.page.createdAt
                : h.modified;
          const d = key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
          return order.desc ? -d : d;
        }
        // Relevance, roughly: title hits first.
        const ta = terms.some((t) => a.title.toLowerCase().includes(t)) ? 0 : 1;
        const tb = terms.some((t) => b.title.toLowerCase().includes(t)) ? 0 : 1;
        return ta - tb || Number(a.page.id) - Number(b.page.id);
      });
      const slice = hits.slice(start, start + limit);
      const results = slice.map((hit) => {
        const space = ctx.site.spaces.get(hit.page.spaceId);
        const webui = pageWebPath(space, hit.page, hit.title);
        const content: Record<string, unknown> = {
          id: hit.page.id,
          type: 'page',
          status: 'current',
          title: hit.title,
          _links: {
            webui,
            tinyui: `/x/${encodeTinyLink(hit.page.id)}`,
            self: `${ctx.base}/rest/api/content/${hit.page.id}`,
          },
        };
        if (expand.has('content.space') && space) {
          content.space = {
            id: Number(space.id),
            key: space.key,
            name: space.name,
            type: space.type,
            status: space.status,
            _expandable: {},
            _links: { webui: `/spaces/${space.key}`, self: `${ctx.base}/rest/api/space/${space.key}` },
          };
        }
        return {
          content,
          title: hit.title,
          excerpt: mode === 'none' ? '' : excerpt(hit.text, terms, mode.startsWith('highlight')),
          url: webui,
          resultGlobalContainer: { title: space?.name ?? '', displayUrl: `/spaces/${space?.key ?? ''}` },
          breadcrumbs: [],
          entityType: 'content',
          iconCssClass: 'aui-icon content-type-page',
          lastModified: hit.modified,
          friendlyLastModified: hit.modified.slice(0, 10),
          score: 1,
        };
      });
      const links: Record<string, string> = { base: ctx.base, context: '/wiki' };
      if (start + slice.length < hits.length) {
        const next = new URLSearchParams({
          next: 'true',
          cursor: Buffer.from(`s:${start + slice.length}`).toString('base64url'),
          limit: String(limit),
          start: String(start + slice.length),
          cql,
        });
        links.next = `/rest/api/search?${next}`;
      }
      return ok({
        results,
        start,
        limit,
        size: results.length,
        totalSize: hits.length,
        cqlQuery: cql,
        searchDuration: Math.round(performance.now() - started),
        _links: links,
      });
    },
  );
}
