import { createHash } from 'node:crypto';
import { canonicalId } from '../confluence/index.js';
import { HttpError, type Reply, v2Error } from './http.js';
import type { SandboxUser } from './model.js';
import type { Router } from './router.js';
import type { Site } from './site.js';

/** What an API route knows about the request it serves. */
export interface ApiContext {
  site: Site;
  user: SandboxUser;
  /** `gateway` for `/ex/confluence/{cloudId}/wiki/...` with an OAuth token, `site` for `/wiki/...` with Basic. */
  via: 'gateway' | 'site';
  method: string;
  query: URLSearchParams;
  /** The request path below `/wiki`, e.g. `/api/v2/pages`. */
  path: string;
  /** The site's web root, Confluence's `_links.base` (e.g. `http://127.0.0.1:4000/wiki`). */
  base: string;
  /** The JSON body; a 400 if absent or not JSON. */
  json: () => Promise<unknown>;
}

/** An API route with the OAuth scope sets of its operation (any one set suffices), as the spec lists them. */
export interface ApiRoute {
  scopes: readonly (readonly string[])[];
  handle: (ctx: ApiContext, params: Record<string, string>) => Reply | Promise<Reply>;
}

export type ApiRouter = Router<ApiRoute>;

/** Registers a route; the router stores the ApiRoute as its handler payload. */
export function route(
  router: ApiRouter,
  method: string,
  pattern: string,
  scopes: readonly (readonly string[])[],
  handle: ApiRoute['handle'],
): void {
  router.add(method, pattern, { scopes, handle });
}

export function ok(body: unknown, headers?: Record<string, string>): Reply {
  return headers ? { status: 200, body, headers } : { status: 200, body };
}

/** An integer query parameter within bounds, its default when absent, or a 400. */
export function intParam(ctx: ApiContext, name: string, def: number, min: number, max: number): number {
  const raw = ctx.query.get(name);
  if (raw === null || raw === '') return def;
  if (!/^-?\d+$/.test(raw)) throw v2Error(400, `Parameter '${name}' must be an integer`);
  const value = Number(raw);
  if (value < min || value > max) throw v2Error(400, `Parameter '${name}' must be between ${min} and ${max}`);
  return value;
}

/** A boolean query parameter. */
export function boolParam(ctx: ApiContext, name: string): boolean {
  const raw = ctx.query.get(name);
  if (raw === null || raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  throw v2Error(400, `Parameter '${name}' must be true or false`);
}

/** A comma-separated (`style: form, explode: false`) list parameter; repeated occurrences are joined too. */
export function listParam(ctx: ApiContext, name: string): string[] {
  return ctx.query
    .getAll(name)
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
}

/** An enumerated parameter, or a 400 naming the allowed values. */
export function enumParam<T extends string>(
  ctx: ApiContext,
  name: string,
  allowed: readonly T[],
): T | undefined {
  const raw = ctx.query.get(name);
  if (raw === null || raw === '') return undefined;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw v2Error(400, `Parameter '${name}' must be one of ${allowed.join(', ')}`);
  }
  return raw as T;
}

/**
 * A numeric id path parameter, canonical: Confluence parses ids as integers, so `0065540` is page 65540. Anything
 * else is a 400, as in Confluence.
 */
export function idParam(value: string | undefined, name = 'id'): string {
  const id = canonicalId(value);
  if (!value || !/^\d+$/.test(value) || !id)
    throw v2Error(400, `Path parameter '${name}' must be a positive integer`);
  return id;
}

/** A list of ids in a query parameter, each canonical (parsed as an integer, as Confluence does), or a 400. */
export function idListParam(ctx: ApiContext, name: string): string[] {
  return listParam(ctx, name).map((value) => {
    const id = /^\d+$/.test(value) ? canonicalId(value) : undefined;
    if (!id) throw v2Error(400, `Parameter '${name}' must hold positive integers, not '${value}'`);
    return id;
  });
}

// A cursor names the offset and a fingerprint of the query it belongs to, so a cursor reused with other filters
// is refused instead of silently paging something else.
function fingerprint(ctx: ApiContext): string {
  const params = [...ctx.query.entries()].filter(([k]) => k !== 'cursor' && k !== 'limit').sort();
  return createHash('sha256')
    .update(`${ctx.path}?${JSON.stringify(params)}`)
    .digest('base64url')
    .slice(0, 10);
}

export function encodeCursor(ctx: ApiContext, offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset, f: fingerprint(ctx) })).toString('base64url');
}

export function decodeCursor(ctx: ApiContext): number {
  const raw = ctx.query.get('cursor');
  if (!raw) return 0;
  try {
    const parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as { o?: unknown; f?: unknown };
    if (typeof parsed.o === 'number' && parsed.o >= 0 && parsed.f === fingerprint(ctx)) return parsed.o;
  } catch {
    // falls through to the 400
  }
  throw v2Error(400, 'Invalid cursor');
}

/**
 * One page of a v2 list, with `_links.next` and a `Link` header when more remain. The next link is relative and
 * starts with `/wiki/api/v2/...`, as Confluence's does, whichever route the request came by.
 */
export function v2Page<T>(ctx: ApiContext, items: readonly T[], defaultLimit = 25, maxLimit = 250): Reply {
  const limit = intParam(ctx, 'limit', defaultLimit, 1, maxLimit);
  const offset = decodeCursor(ctx);
  const results = items.slice(offset, offset + limit);
  const links: { next?: string; base: string } = { base: ctx.base };
  const headers: Record<string, string> = {};
  if (offset + limit < items.length) {
    const next = new URLSearchParams(ctx.query);
    next.set('cursor', encodeCursor(ctx, offset + limit));
    next.set('limit', String(limit));
    links.next = `/wiki${ctx.path}?${next}`;
    headers.link = `<${links.next}>; rel="next", <${ctx.base}>; rel="base"`;
  }
  return ok({ results, _links: links }, headers);
}

/** Throws the 404 v2 answers both for missing content and for content the caller may not see. */
export function notFound(what = 'Content'): never {
  throw v2Error(404, `${what} not found`);
}

export { HttpError };
