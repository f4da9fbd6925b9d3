/**
 * Paging, the two ways Confluence does it. v2 (and v1 CQL search) hand out an opaque `cursor` inside the next
 * link; older v1 endpoints page by `start` offset. Tools expose both as one opaque `next_cursor`.
 */

import type { KindedError } from '../error-kind.js';

/** One page of results and the cursor for the next, absent on the last page. */
export interface Paged<T> {
  items: T[];
  nextCursor?: string;
  /** The site's web root (`_links.base`), for turning relative `webui` links into URLs. */
  base?: string;
}

/** The `rel="next"` target of an RFC 8288 `Link` header, if any. */
export function nextLinkFromHeader(link: string | null | undefined): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>(.*)$/s.exec(part);
    if (!match) continue;
    for (const param of (match[2] ?? '').split(';')) {
      const [name, value] = param.split('=', 2);
      if (name?.trim().toLowerCase() !== 'rel' || value === undefined) continue;
      const rels = value.trim().replace(/^"|"$/g, '').toLowerCase().split(/\s+/);
      if (rels.includes('next')) return match[1];
    }
  }
  return undefined;
}

/** The `cursor` query parameter of a next link (relative or absolute). */
export function cursorFromLink(next: string | undefined): string | undefined {
  if (!next) return undefined;
  const cursor = new URL(next, 'http://relative.invalid').searchParams.get('cursor');
  return cursor || undefined;
}

/** The next cursor of a v2 (or CQL search) answer: from `_links.next`, else from the `Link` header. */
export function nextCursor(
  body: { _links?: { next?: string } } | undefined,
  headers?: Headers,
): string | undefined {
  return cursorFromLink(body?._links?.next) ?? cursorFromLink(nextLinkFromHeader(headers?.get('link')));
}

const offsetPrefix = 'o';

/** An opaque cursor for an offset-paged v1 endpoint. */
export function encodeOffsetCursor(start: number): string {
  return `${offsetPrefix}${start.toString(36)}`;
}

/** A `cursor` argument that no list of this server handed out. */
export class InvalidCursorError extends Error implements KindedError {
  override readonly name = 'InvalidCursorError';
  readonly kind = 'invalid-cursor';
}

/** The offset a cursor from `encodeOffsetCursor` stands for (0 for none); throws InvalidCursorError otherwise. */
export function decodeOffsetCursor(cursor: string | undefined): number {
  if (!cursor) return 0;
  if (!/^o[0-9a-z]{1,8}$/.test(cursor))
    throw new InvalidCursorError(`Not a cursor of this list: ${cursor.slice(0, 40)}`);
  return Number.parseInt(cursor.slice(1), 36);
}

/**
 * The next cursor of a v1 offset answer (`{start, limit, size, _links.next}`): there is a next page when
 * Confluence linked one, or, when it did not say, when the page came back full.
 */
export function nextOffsetCursor(body: {
  start?: number;
  limit?: number;
  size?: number;
  _links?: { next?: string };
}): string | undefined {
  const start = body.start ?? 0;
  const size = body.size ?? 0;
  const hasNext = body._links ? Boolean(body._links.next) : body.limit !== undefined && size >= body.limit;
  return hasNext && size > 0 ? encodeOffsetCursor(start + size) : undefined;
}
