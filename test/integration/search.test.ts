import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { connectInMemory, textOf } from '../support/mcp.js';
import { mockServer } from '../support/msw.js';

// confluence_search in this process, so what it promises is checked against the code as it is: the operator's
// space bounds hold for an explicit space and for every hit, and each hit is shown as Confluence described it.

type Structured = {
  results: {
    id?: string;
    type: string;
    title: string;
    space_key?: string;
    excerpt?: string;
    web_url?: string;
  }[];
  total_size?: number;
  cql: string;
};

// The space guard remembers id -> key facts per site for the whole process, so each test has a site of its own.
function authFor(site: string) {
  return { type: 'api-token', siteUrl: site, email: 'a@search.example', apiToken: 't' } as const;
}

/** Answers GET /search with these results and records each request's query parameters. */
function mockSearch(site: string, results: unknown[], extra: Record<string, unknown> = {}) {
  const requests: URLSearchParams[] = [];
  mockServer.use(
    http.get(`${site}/wiki/rest/api/search`, ({ request }) => {
      requests.push(new URL(request.url).searchParams);
      return HttpResponse.json({
        results,
        start: 0,
        limit: 25,
        size: results.length,
        totalSize: results.length,
        cqlQuery: '',
        _links: { base: `${site}/wiki` },
        ...extra,
      });
    }),
  );
  return requests;
}

const eng = { id: 1, key: 'ENG', name: 'Engineering' };
const hr = { id: 2, key: 'HR', name: 'People' };

describe('confluence_search inside the space bounds', () => {
  it('refuses an explicit space outside the bounds, by key in any case, without asking Confluence', async () => {
    const site = 'https://search-refuse.atlassian.net';
    const server = await connectInMemory({
      auth: authFor(site),
      config: { tools: { spaces: { deny: ['hr'] } } },
    });
    try {
      const requests = mockSearch(site, []);
      for (const space of ['HR', 'hr']) {
        const refused = await server.call('confluence_search', { query: 'salaries', space });
        expect(refused.isError).toBe(true);
        // Answered as if the space did not exist: the bounds are the operator's, not something to work around.
        expect(textOf(refused)).toMatch(new RegExp(`^Not found: space ${space} does not exist`));
      }
      expect(requests).toHaveLength(0);

      // The space beside it is searched, and the bounds still travel with the CQL.
      const allowed = await server.call('confluence_search', { query: 'roadmap', space: 'ENG' });
      expect(allowed.isError, textOf(allowed)).toBeFalsy();
      expect(requests).toHaveLength(1);
      expect(requests[0]?.get('cql')).toContain('space = "ENG"');
      expect(requests[0]?.get('cql')).toContain('space not in ("hr")');
    } finally {
      await server.close();
    }
  });

  it('refuses a space the allow-list does not name', async () => {
    const site = 'https://search-allow.atlassian.net';
    const server = await connectInMemory({
      auth: authFor(site),
      config: { tools: { spaces: { allow: ['ENG'] } } },
    });
    try {
      const requests = mockSearch(site, []);
      const refused = await server.call('confluence_search', { cql: 'type = page', space: 'OPS' });
      expect(refused.isError).toBe(true);
      expect(textOf(refused)).toMatch(/^Not found: space OPS does not exist/);
      expect(requests).toHaveLength(0);
    } finally {
      await server.close();
    }
  });

  it('drops hits from spaces out of bounds, whichever shape the hit has, and hits with no space at all', async () => {
    const site = 'https://search-filter.atlassian.net';
    const server = await connectInMemory({
      auth: authFor(site),
      config: { tools: { spaces: { deny: ['hr'] } } },
    });
    try {
      mockSearch(site, [
        { content: { id: '10', type: 'page', status: 'current', title: 'Roadmap', space: eng }, title: 'x' },
        { content: { id: '20', type: 'page', status: 'current', title: 'Salaries', space: hr }, title: 'x' },
        { space: eng, title: 'Engineering', entityType: 'space', excerpt: '' },
        { space: hr, title: 'People', entityType: 'space', excerpt: '' },
        { title: 'Somebody', entityType: 'user', excerpt: '' },
        { content: { id: '30', type: 'page', status: 'current', title: 'Orphan' }, title: 'x' },
      ]);
      const found = await server.call('confluence_search', { query: 'plan', type: 'any' });
      expect(found.isError, textOf(found)).toBeFalsy();
      const { results } = found.structuredContent as Structured;
      expect(results.map((r) => [r.title, r.space_key])).toEqual([
        ['Roadmap', 'ENG'],
        ['Engineering', 'ENG'],
      ]);
      expect(textOf(found)).not.toMatch(/Salaries|People|Somebody|Orphan/);
    } finally {
      await server.close();
    }
  });

  it('remembers the space ids and keys its hits showed, so later checks of those spaces need no request', async () => {
    const site = 'https://search-learn.atlassian.net';
    const server = await connectInMemory({
      auth: authFor(site),
      config: { tools: { spaces: { deny: ['hr'] } } },
    });
    try {
      mockSearch(site, [
        { content: { id: '10', type: 'page', status: 'current', title: 'Roadmap', space: eng }, title: 'x' },
        { space: hr, title: 'People', entityType: 'space', excerpt: '' },
        { title: 'Somebody', entityType: 'user', excerpt: '' },
      ]);
      expect((await server.call('confluence_search', { query: 'plan', type: 'any' })).isError).toBeFalsy();

      const spaceRequests: string[] = [];
      mockServer.use(
        http.get(`${site}/wiki/api/v2/pages`, () =>
          HttpResponse.json({
            results: [
              { id: '10', title: 'Roadmap', status: 'current', spaceId: '1' },
              { id: '20', title: 'Salaries', status: 'current', spaceId: '2' },
            ],
            _links: { base: `${site}/wiki` },
          }),
        ),
        http.get(`${site}/wiki/api/v2/spaces`, ({ request }) => {
          spaceRequests.push(new URL(request.url).searchParams.get('ids') ?? '');
          return HttpResponse.json({ results: [] });
        }),
      );
      const listed = await server.call('confluence_list_pages', {});
      expect(listed.isError, textOf(listed)).toBeFalsy();
      expect((listed.structuredContent as { pages: { id: string }[] }).pages.map((p) => p.id)).toEqual([
        '10',
      ]);
      expect(spaceRequests).toEqual([]);
    } finally {
      await server.close();
    }
  });
});

describe('confluence_search results', () => {
  const site = 'https://search-output.atlassian.net';

  it('asks Confluence for highlighted excerpts and each hit’s space, with the label and type in the CQL', async () => {
    const server = await connectInMemory({ auth: authFor(site) });
    try {
      const requests = mockSearch(site, []);
      await server.call('confluence_search', { query: 'deploy', label: 'runbook', type: 'blogpost' });
      await server.call('confluence_search', { query: 'deploy' });
      await server.call('confluence_search', { query: 'deploy', type: 'any' });
      expect(requests).toHaveLength(3);
      const [withFilters, byDefault, anyType] = requests.map((r) => r.get('cql'));
      expect(withFilters).toBe('text ~ "deploy" AND label = "runbook" AND type = blogpost');
      expect(byDefault).toBe('text ~ "deploy" AND type = page');
      expect(anyType).toBe('text ~ "deploy"');
      expect(requests[0]?.get('excerpt')).toBe('highlight');
      expect(requests[0]?.get('expand')).toBe('content.space');
    } finally {
      await server.close();
    }
  });

  it('refuses `query` and `cql` together, saying to give one', async () => {
    const server = await connectInMemory({ auth: authFor(site) });
    try {
      const requests = mockSearch(site, []);
      const both = await server.call('confluence_search', { query: 'deploy', cql: 'type = page' });
      expect(both.isError).toBe(true);
      expect(textOf(both)).toContain('Give either `query` or `cql`, not both.');
      expect(requests).toHaveLength(0);
    } finally {
      await server.close();
    }
  });

  it('shows each hit with its title, space, id, cleaned excerpt and web link, under a summary', async () => {
    const server = await connectInMemory({ auth: authFor(site) });
    try {
      mockSearch(
        site,
        [
          {
            content: {
              id: '10',
              type: 'page',
              status: 'current',
              title: 'Deploy runbook',
              space: eng,
              _links: { webui: '/spaces/ENG/pages/10' },
            },
            title: 'ignored',
            excerpt:
              '  How to @@@hl@@@deploy@@@endhl@@@\n\n  the   @@@hl@@@service@@@endhl@@@ safely @@@endhl@@@ at last@@@hl@@@ ',
            url: '',
            entityType: 'content',
          },
          {
            // No excerpt at all, as Confluence sends for some hits: none is shown.
            space: eng,
            title: 'Engineering',
            url: '/spaces/ENG',
            entityType: 'space',
          },
        ],
        { totalSize: 7, _links: { base: `${site}/wiki`, next: '/rest/api/search?cursor=abc' } },
      );
      const found = await server.call('confluence_search', { query: 'deploy', type: 'any' });
      expect(found.isError, textOf(found)).toBeFalsy();
      const structured = found.structuredContent as Structured;
      expect(structured.results).toEqual([
        {
          id: '10',
          type: 'page',
          title: 'Deploy runbook',
          space_key: 'ENG',
          excerpt: 'How to **deploy** the **service** safely at last',
          web_url: `${site}/wiki/spaces/ENG/pages/10`,
        },
        { type: 'space', title: 'Engineering', space_key: 'ENG', web_url: `${site}/wiki/spaces/ENG` },
      ]);
      const lines = textOf(found).split('\n');
      expect(lines.slice(0, 4)).toEqual([
        '7 result(s) for CQL: text ~ "deploy"',
        '- "Deploy runbook" · ENG · id 10',
        '  How to **deploy** the **service** safely at last',
        '- "Engineering" · ENG',
      ]);
      expect(lines[4]).toMatch(/^More results exist: call again with cursor "/);
    } finally {
      await server.close();
    }
  });

  it('takes a hit’s own url before its content’s web link, and shows none when it has neither', async () => {
    const server = await connectInMemory({ auth: authFor(site) });
    try {
      mockSearch(site, [
        {
          content: {
            id: '11',
            type: 'page',
            status: 'current',
            title: 'Both',
            _links: { webui: '/content-link' },
          },
          title: 'Both',
          excerpt: 'plain text',
          url: '/hit-link',
          entityType: 'content',
        },
        { title: 'Nothing', excerpt: 'x', entityType: 'user' },
      ]);
      const found = await server.call('confluence_search', { query: 'x', type: 'any' });
      const { results } = found.structuredContent as Structured;
      expect(results[0]?.web_url).toBe(`${site}/wiki/hit-link`);
      expect(results[0]?.excerpt).toBe('plain text');
      expect(results[1]).toEqual({ type: 'user', title: 'Nothing', excerpt: 'x' });
    } finally {
      await server.close();
    }
  });
});
