import { delay, HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { ConfluenceClient } from '../../src/confluence/client.js';
import { ServerError } from '../../src/confluence/errors/index.js';
import { getPage, listPages, listSpaces, searchContent } from '../../src/confluence/index.js';
import { mockServer } from '../support/msw.js';

const userAgent = 'confluence-mcp/test';

describe('ConfluenceClient', () => {
  it('sends a personal API token as Basic auth to the site, with a user agent', async () => {
    let seen: Request | undefined;
    mockServer.use(
      http.get('https://acme.atlassian.net/wiki/api/v2/pages/42', ({ request }) => {
        seen = request;
        return HttpResponse.json({ id: '42', title: 'T', status: 'current', spaceId: '1' });
      }),
    );
    const client = new ConfluenceClient({
      auth: {
        type: 'api-token',
        siteUrl: 'https://acme.atlassian.net/wiki/',
        email: 'a@b.c',
        apiToken: 'tok',
      },
      timeoutMs: 5000,
      userAgent,
    });
    const page = await getPage(client, { id: '42', bodyFormat: 'storage' });
    expect(page.title).toBe('T');
    expect(seen?.headers.get('authorization')).toBe(`Basic ${Buffer.from('a@b.c:tok').toString('base64')}`);
    expect(seen?.headers.get('user-agent')).toBe(userAgent);
    expect(new URL(seen?.url ?? '').searchParams.get('body-format')).toBe('storage');
  });

  it('sends an OAuth token as Bearer through the gateway, asking for a fresh token on every request', async () => {
    const paths: string[] = [];
    const auths: (string | null)[] = [];
    mockServer.use(
      http.get('https://api.atlassian.com/ex/confluence/cloud-1/wiki/api/v2/spaces', ({ request }) => {
        paths.push(new URL(request.url).search);
        auths.push(request.headers.get('authorization'));
        return HttpResponse.json({ results: [], _links: {} });
      }),
    );
    let n = 0;
    const client = new ConfluenceClient({
      auth: {
        type: 'oauth',
        apiBaseUrl: 'https://api.atlassian.com/',
        cloudId: 'cloud-1',
        accessToken: async () => `at-${++n}`,
      },
      timeoutMs: 5000,
      userAgent,
    });
    await listSpaces(client, { keys: ['ENG', 'OPS'], limit: 10 });
    await listSpaces(client, {});
    expect(auths).toEqual(['Bearer at-1', 'Bearer at-2']);
    // v2 arrays are one comma-separated value (style: form, explode: false).
    expect(new URLSearchParams(paths[0]).get('keys')).toBe('ENG,OPS');
    expect(paths[1]).toBe('');
  });

  it('pages with the cursor from _links.next and keeps the site base for web links', async () => {
    mockServer.use(
      http.get('https://acme.atlassian.net/wiki/api/v2/pages', ({ request }) => {
        const cursor = new URL(request.url).searchParams.get('cursor');
        return cursor === 'c2'
          ? HttpResponse.json({ results: [{ id: '2' }], _links: { base: 'https://acme.atlassian.net/wiki' } })
          : HttpResponse.json({
              results: [{ id: '1' }],
              _links: {
                next: '/wiki/api/v2/pages?cursor=c2&limit=1',
                base: 'https://acme.atlassian.net/wiki',
              },
            });
      }),
    );
    const client = new ConfluenceClient({
      auth: { type: 'api-token', siteUrl: 'https://acme.atlassian.net', email: 'a@b.c', apiToken: 't' },
      timeoutMs: 5000,
      userAgent,
    });
    const first = await listPages(client, { limit: 1 });
    expect(first).toMatchObject({ nextCursor: 'c2', base: 'https://acme.atlassian.net/wiki' });
    const second = await listPages(client, { limit: 1, cursor: first.nextCursor });
    expect(second.items).toEqual([{ id: '2' }]);
    expect(second.nextCursor).toBeUndefined();
  });

  it('reads the CQL search cursor out of the v1 next link', async () => {
    mockServer.use(
      http.get('https://acme.atlassian.net/wiki/rest/api/search', () =>
        HttpResponse.json({
          results: [],
          start: 0,
          limit: 25,
          size: 0,
          totalSize: 60,
          cqlQuery: 'type = page',
          searchDuration: 1,
          _links: { next: '/rest/api/search?next=true&cursor=_f_abc&limit=25&start=25&cql=type+%3D+page' },
        }),
      ),
    );
    const client = new ConfluenceClient({
      auth: { type: 'api-token', siteUrl: 'https://acme.atlassian.net', email: 'a@b.c', apiToken: 't' },
      timeoutMs: 5000,
      userAgent,
    });
    const page = await searchContent(client, { cql: 'type = page' });
    expect(page.nextCursor).toBe('_f_abc');
    expect(page.totalSize).toBe(60);
  });

  it("passes the caller's cancellation through untouched", async () => {
    const controller = new AbortController();
    const reason = new Error('client cancelled');
    mockServer.use(
      http.get('https://acme.atlassian.net/wiki/api/v2/pages/1', async () => {
        // The caller cancels while the request is in flight; the answer never comes.
        controller.abort(reason);
        await delay('infinite');
      }),
    );
    const client = new ConfluenceClient({
      auth: { type: 'api-token', siteUrl: 'https://acme.atlassian.net', email: 'a@b.c', apiToken: 't' },
      timeoutMs: 5000,
      userAgent,
    });
    await expect(getPage(client, { id: '1', signal: controller.signal })).rejects.toBe(reason);
  });

  it('turns a success with a broken body into a ServerError', async () => {
    mockServer.use(
      http.get('https://acme.atlassian.net/wiki/api/v2/pages/1', () => new HttpResponse('<html>')),
    );
    const client = new ConfluenceClient({
      auth: { type: 'api-token', siteUrl: 'https://acme.atlassian.net', email: 'a@b.c', apiToken: 't' },
      timeoutMs: 5000,
      userAgent,
    });
    await expect(getPage(client, { id: '1' })).rejects.toBeInstanceOf(ServerError);
  });
});
