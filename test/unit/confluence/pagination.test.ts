import { describe, expect, it } from 'vitest';
import {
  cursorFromLink,
  decodeOffsetCursor,
  encodeOffsetCursor,
  InvalidCursorError,
  nextCursor,
  nextLinkFromHeader,
  nextOffsetCursor,
} from '../../../src/confluence/pagination.js';

describe('v2 cursor paging', () => {
  it('finds the next link in a Link header among other relations', () => {
    const header =
      '<https://x.atlassian.net/wiki>; rel="base", </wiki/api/v2/pages?cursor=abc&limit=5>; rel="next"';
    expect(nextLinkFromHeader(header)).toBe('/wiki/api/v2/pages?cursor=abc&limit=5');
    expect(nextLinkFromHeader('<a>; rel="prev next"')).toBe('a');
    expect(nextLinkFromHeader('<a>; rel="prev"')).toBeUndefined();
    expect(nextLinkFromHeader(null)).toBeUndefined();
  });

  it('takes the cursor from _links.next before the Link header', () => {
    const headers = new Headers({ link: '</wiki/api/v2/pages?cursor=fromHeader>; rel="next"' });
    expect(nextCursor({ _links: { next: '/wiki/api/v2/pages?cursor=fromBody&limit=2' } }, headers)).toBe(
      'fromBody',
    );
    expect(nextCursor({ _links: {} }, headers)).toBe('fromHeader');
    expect(nextCursor({ _links: {} }, new Headers())).toBeUndefined();
  });

  it('decodes percent-encoded cursors', () => {
    expect(cursorFromLink('/wiki/rest/api/search?next=true&cursor=a%2Bb%3D&limit=25')).toBe('a+b=');
  });
});

describe('v1 offset paging', () => {
  it('round-trips offsets through opaque cursors', () => {
    for (const n of [0, 1, 25, 200, 123456]) expect(decodeOffsetCursor(encodeOffsetCursor(n))).toBe(n);
    expect(decodeOffsetCursor(undefined)).toBe(0);
  });

  it('refuses a cursor it did not make', () => {
    expect(() => decodeOffsetCursor('eyJvIjoxfQ')).toThrow(InvalidCursorError);
  });

  it('has a next page when Confluence links one, or when a page came back full without links', () => {
    expect(
      nextOffsetCursor({ start: 0, limit: 2, size: 2, _links: { next: '/rest/api/group?start=2' } }),
    ).toBe(encodeOffsetCursor(2));
    expect(nextOffsetCursor({ start: 2, limit: 2, size: 1, _links: {} })).toBeUndefined();
    expect(nextOffsetCursor({ start: 0, limit: 2, size: 2 })).toBe(encodeOffsetCursor(2));
    expect(nextOffsetCursor({ start: 0, limit: 2, size: 0 })).toBeUndefined();
  });
});
