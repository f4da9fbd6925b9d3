import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { connectInMemory, textOf } from '../support/mcp.js';
import { mockServer } from '../support/msw.js';

// How the space guard learns which space a page is in: from what Confluence says, one request per list, keeping
// only id -> key facts (the same for every user) and never "this key has no space" or "this id is unknown".

const SITE = 'https://guard.atlassian.net';
const auth = { type: 'api-token', siteUrl: SITE, email: 'a@guard.example', apiToken: 't' } as const;
const page = (id: string, spaceId: string) => ({ id, title: `Page ${id}`, status: 'current', spaceId });

function mockSite(visibleSpaces: { id: string; key: string }[]) {
  const spaceRequests: string[] = [];
  mockServer.use(
    http.get(`${SITE}/wiki/api/v2/pages`, () =>
      HttpResponse.json({
        results: [page('11', '1'), page('22', '2'), page('33', '3'), page('12', '01')],
        _links: { base: `${SITE}/wiki` },
      }),
    ),
    http.get(`${SITE}/wiki/api/v2/spaces`, ({ request }) => {
      const ids = new URL(request.url).searchParams.get('ids') ?? '';
      spaceRequests.push(ids);
      const wanted = ids.split(',');
      return HttpResponse.json({ results: visibleSpaces.filter((s) => wanted.includes(s.id)) });
    }),
  );
  return spaceRequests;
}

describe('the space guard', () => {
  it('judges each page by its space key, in one request per list, and remembers only what Confluence said', async () => {
    const server = await connectInMemory({ auth, config: { tools: { spaces: { deny: ['hr'] } } } });
    try {
      // Space 3 is invisible to this caller: its pages are left out (fails closed), and nothing is remembered of it.
      const spaceRequests = mockSite([
        { id: '1', key: 'ENG' },
        { id: '2', key: 'HR' },
      ]);
      const first = await server.call('confluence_list_pages', {});
      expect(first.isError, textOf(first)).toBeFalsy();
      expect((first.structuredContent as { pages: { id: string }[] }).pages.map((p) => p.id)).toEqual([
        '11',
        '12',
      ]);
      expect(spaceRequests).toEqual(['1,2,3']);

      // Later, space 3 is visible (another user, or a permission granted): it is asked for again; 1 and 2 are known.
      const later = mockSite([
        { id: '1', key: 'ENG' },
        { id: '2', key: 'HR' },
        { id: '3', key: 'OPS' },
      ]);
      const second = await server.call('confluence_list_pages', {});
      expect((second.structuredContent as { pages: { id: string }[] }).pages.map((p) => p.id)).toEqual([
        '11',
        '33',
        '12',
      ]);
      expect(later).toEqual(['3']);
    } finally {
      await server.close();
    }
  });

  it('makes no request and filters nothing when no bounds are set', async () => {
    const server = await connectInMemory({ auth });
    try {
      const spaceRequests = mockSite([]);
      const listed = await server.call('confluence_list_pages', {});
      expect((listed.structuredContent as { pages: unknown[] }).pages).toHaveLength(4);
      expect(spaceRequests).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
