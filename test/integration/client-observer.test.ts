import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { ConfluenceClient } from '../../src/confluence/client.js';
import { getPage, routeOf, type UpstreamObserver } from '../../src/confluence/index.js';
import { mockServer } from '../support/msw.js';

function observed(): { observer: UpstreamObserver; events: string[] } {
  const events: string[] = [];
  return {
    events,
    observer: {
      response: (e) => events.push(`response ${e.method} ${e.route} ${e.status}`),
      failure: (e) => events.push(`failure ${e.method} ${e.route} ${e.kind}`),
      retry: (e) => events.push(`retry ${e.method} ${e.route} #${e.attempt} ${e.reason}`),
    },
  };
}

function client(observer: UpstreamObserver): ConfluenceClient {
  return new ConfluenceClient({
    auth: { type: 'api-token', siteUrl: 'https://acme.atlassian.net/wiki', email: 'a@b.c', apiToken: 'tok' },
    timeoutMs: 5000,
    userAgent: 'confluence-mcp/test',
    observer,
    // No wait between retries: the events, not the backoff, are under test here.
    random: () => 0,
  });
}

describe('the client tells its observer of every attempt', () => {
  it('reports answers, success or not, by route with the id folded away', async () => {
    mockServer.use(
      http.get('https://acme.atlassian.net/wiki/api/v2/pages/42', () =>
        HttpResponse.json({ id: '42', title: 'T', status: 'current', spaceId: '1' }),
      ),
      http.get(
        'https://acme.atlassian.net/wiki/api/v2/pages/43',
        () => new HttpResponse('{}', { status: 404 }),
      ),
    );
    const { observer, events } = observed();
    await getPage(client(observer), { id: '42' });
    await expect(getPage(client(observer), { id: '43' })).rejects.toThrow();
    expect(events).toEqual(['response GET api/v2/pages/{id} 200', 'response GET api/v2/pages/{id} 404']);
  });

  it('reports each attempt that got no answer as a network failure, and each retry between them', async () => {
    mockServer.use(http.get('https://acme.atlassian.net/wiki/api/v2/pages/44', () => HttpResponse.error()));
    const { observer, events } = observed();
    await expect(getPage(client(observer), { id: '44' })).rejects.toThrow();
    const failure = 'failure GET api/v2/pages/{id} network';
    const retry = (n: number) => `retry GET api/v2/pages/{id} #${n} connection failed`;
    expect(events).toEqual([
      failure,
      retry(1),
      failure,
      retry(2),
      failure,
      retry(3),
      failure,
      retry(4),
      failure,
    ]);
  });

  it('folds numeric and opaque ids out of routes, keeping the words', () => {
    expect(routeOf('api/v2/pages/123/children?cursor=abc')).toBe('api/v2/pages/{id}/children');
    expect(routeOf('api/v2/spaces/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0/pages')).toBe(
      'api/v2/spaces/{id}/pages',
    );
    expect(routeOf('rest/api/search')).toBe('rest/api/search');
  });
});
