import { delay, HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { ConfluenceClient, type ConfluenceClientOptions } from '../../src/confluence/client.js';
import {
  ConflictError,
  callSignal,
  createPage,
  getPage,
  NetworkError,
  RateLimitBoard,
  RateLimitError,
  TimeoutError,
  type UpstreamObserver,
  updatePage,
} from '../../src/confluence/index.js';
import { mockServer } from '../support/msw.js';

const SITE = 'https://acme.atlassian.net/wiki';

function client(options: Partial<ConfluenceClientOptions> = {}): ConfluenceClient {
  return new ConfluenceClient({
    auth: { type: 'api-token', siteUrl: SITE, email: 'a@b.c', apiToken: 'tok' },
    timeoutMs: 5000,
    userAgent: 'confluence-mcp/test',
    random: () => 0,
    ...options,
  });
}

const page = (id: string, version: number, value = '<p>x</p>', title = 'T') => ({
  id,
  title,
  status: 'current',
  spaceId: '1',
  version: { number: version },
  body: { storage: { representation: 'storage', value } },
});

describe('the client retries as Atlassian asks', () => {
  it('absorbs a 503 and a 429 with Retry-After on a GET', async () => {
    const answers = [
      () => new HttpResponse('{}', { status: 503 }),
      () => new HttpResponse('{}', { status: 429, headers: { 'retry-after': '0' } }),
      () => HttpResponse.json(page('1', 3)),
    ];
    let sent = 0;
    mockServer.use(http.get(`${SITE}/api/v2/pages/1`, () => (answers[sent++] as () => Response)()));
    const result = await getPage(client(), { id: '1' });
    expect(result.version?.number).toBe(3);
    expect(sent).toBe(3);
  });

  it('sends a POST once even when its connection fails, and says the write may have happened', async () => {
    let sent = 0;
    mockServer.use(
      http.post(`${SITE}/api/v2/pages`, () => {
        sent++;
        return HttpResponse.error();
      }),
    );
    const failure = await createPage(client(), {
      spaceId: '1',
      title: 'Plan',
      body: { representation: 'storage', value: '<p/>' },
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(NetworkError);
    expect((failure as NetworkError).unconfirmedWrite).toBe(true);
    expect(sent).toBe(1);
  });

  it('does not retry a POST that met a 503 either, nor mark it unconfirmed (Confluence answered)', async () => {
    let sent = 0;
    mockServer.use(
      http.post(`${SITE}/api/v2/pages`, () => {
        sent++;
        return new HttpResponse('{}', { status: 503 });
      }),
    );
    const failure = await createPage(client(), {
      spaceId: '1',
      title: 'Plan',
      body: { representation: 'storage', value: '<p/>' },
    }).catch((error: unknown) => error);
    expect((failure as NetworkError).unconfirmedWrite).toBe(false);
    expect(sent).toBe(1);
  });

  it('repeats a versioned PUT whose answer was lost, and takes the 409 that follows as its own write landing', async () => {
    const puts: number[] = [];
    mockServer.use(
      http.put(`${SITE}/api/v2/pages/7`, async ({ request }) => {
        const body = (await request.json()) as { version: { number: number } };
        puts.push(body.version.number);
        if (puts.length === 1) return HttpResponse.error();
        return HttpResponse.json(
          { errors: [{ status: 409, title: 'Version must be incremented', detail: 'Current Version: [5]' }] },
          { status: 409 },
        );
      }),
      http.get(`${SITE}/api/v2/pages/7`, ({ request }) => {
        expect(new URL(request.url).searchParams.get('version')).toBe('5');
        return HttpResponse.json(page('7', 5, '<p>new</p>', 'New title'));
      }),
    );
    const updated = await updatePage(client(), {
      id: '7',
      title: 'New title',
      status: 'current',
      body: { representation: 'storage', value: '<p>new</p>' },
      version: 5,
    });
    expect(updated.version?.number).toBe(5);
    expect(puts).toEqual([5, 5]);
  });

  it('keeps the 409 when the version that landed is someone else’s', async () => {
    let puts = 0;
    mockServer.use(
      http.put(`${SITE}/api/v2/pages/8`, () =>
        ++puts === 1
          ? new HttpResponse('{}', { status: 503 })
          : HttpResponse.json({ errors: [{ status: 409, title: 'Conflict' }] }, { status: 409 }),
      ),
      http.get(`${SITE}/api/v2/pages/8`, () => HttpResponse.json(page('8', 5, '<p>theirs</p>', 'Mine'))),
    );
    const failure = await updatePage(client(), {
      id: '8',
      title: 'Mine',
      status: 'current',
      body: { representation: 'storage', value: '<p>mine</p>' },
      version: 5,
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ConflictError);
  });

  it('does not ask whether a first-attempt 409 was its own write: that is a plain conflict', async () => {
    mockServer.use(
      http.put(`${SITE}/api/v2/pages/9`, () =>
        HttpResponse.json({ errors: [{ status: 409, title: 'Conflict' }] }, { status: 409 }),
      ),
    );
    const failure = await updatePage(client(), {
      id: '9',
      title: 'T',
      status: 'current',
      body: { representation: 'storage', value: '<p/>' },
      version: 2,
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ConflictError);
    expect((failure as ConflictError).attempts).toBe(1);
  });
});

describe('the deadline and cancellation', () => {
  it('aborts a hung request at the call deadline with a timeout that names the request', async () => {
    let arrived: () => void = () => {};
    const reached = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    mockServer.use(
      http.get(`${SITE}/api/v2/pages/3`, async () => {
        arrived();
        await delay('infinite');
      }),
    );
    const call = callSignal(new AbortController().signal, 300);
    const failure = getPage(client(), { id: '3', signal: call.signal }).catch((error: unknown) => error);
    await reached;
    const error = await failure;
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).subject).toBe('page 3');
    call.dispose();
  });

  it('does not wait out a Retry-After that would end past the deadline', async () => {
    let sent = 0;
    mockServer.use(
      http.get(`${SITE}/api/v2/pages/4`, () => {
        sent++;
        return new HttpResponse('{}', { status: 429, headers: { 'retry-after': '3' } });
      }),
    );
    const call = callSignal(new AbortController().signal, 1000);
    const error = await getPage(client(), { id: '4', signal: call.signal }).catch((e: unknown) => e);
    call.dispose();
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterSeconds).toBe(3);
    expect(sent).toBe(1);
  });

  it('lets the client’s own cancellation through untouched, also during a backoff', async () => {
    const controller = new AbortController();
    mockServer.use(
      http.get(`${SITE}/api/v2/pages/5`, () => {
        queueMicrotask(() => controller.abort(new Error('cancelled by the client')));
        return new HttpResponse('{}', { status: 503 });
      }),
    );
    const call = callSignal(controller.signal, 60_000);
    const error = await getPage(client({ random: () => 0.99 }), { id: '5', signal: call.signal }).catch(
      (e: unknown) => e,
    );
    expect((error as Error).message).toBe('cancelled by the client');
  });
});

describe('rate limits', () => {
  it('reports near-limit headers to the observer', async () => {
    const near: (number | undefined)[] = [];
    const observer: UpstreamObserver = { nearLimit: (e) => near.push(e.remaining) };
    mockServer.use(
      http.get(`${SITE}/api/v2/pages/10`, () =>
        HttpResponse.json(page('10', 1), {
          headers: { 'x-ratelimit-nearlimit': 'true', 'ratelimit-remaining': '42' },
        }),
      ),
      http.get(`${SITE}/api/v2/pages/11`, () =>
        HttpResponse.json(page('11', 1), {
          headers: { 'x-ratelimit-limit': '1000', 'x-ratelimit-remaining': '900' },
        }),
      ),
      http.get(`${SITE}/api/v2/pages/12`, () =>
        HttpResponse.json(page('12', 1), {
          headers: { 'x-ratelimit-limit': '1000', 'x-ratelimit-remaining': '99' },
        }),
      ),
    );
    const c = client({ observer });
    for (const id of ['10', '11', '12']) await getPage(c, { id });
    expect(near).toEqual([42, 99]);
  });

  it('answers every request at once once the quota is spent, until the reset, without asking Confluence', async () => {
    let now = Date.parse('2026-03-02T10:30:00Z');
    let sent = 0;
    mockServer.use(
      http.get(`${SITE}/api/v2/pages/20`, () => {
        sent++;
        return new HttpResponse('{}', {
          status: 429,
          headers: { 'retry-after': '1800', 'ratelimit-reason': 'confluence-quota-global-based' },
        });
      }),
    );
    const events: (number | undefined)[] = [];
    const writes: number[] = [];
    const store = { get: async () => writes.at(-1), set: async (until: number) => void writes.push(until) };
    const board = new RateLimitBoard({ now: () => now, store });
    const c = client({
      rateLimits: board,
      now: () => now,
      observer: { rateLimited: (e) => events.push(e.sharedUntil) },
    });
    const errors = await Promise.all(
      Array.from({ length: 3 }, () =>
        getPage(c, { id: '20' }).then(
          () => undefined,
          (e: unknown) => e as RateLimitError,
        ),
      ),
    );
    // The three were sent together before any answer; from here on nothing is.
    const later = await Promise.all(
      Array.from({ length: 50 }, () =>
        getPage(c, { id: '20' }).then(
          () => undefined,
          (e: unknown) => e as RateLimitError,
        ),
      ),
    );
    expect(sent).toBe(3);
    // Shared once per 429 that came back; a refusal teaches nothing and writes nothing.
    expect(writes).toEqual([now + 1_800_000, now + 1_800_000, now + 1_800_000]);
    for (const error of [...errors, ...later]) expect(error).toBeInstanceOf(RateLimitError);
    expect(later.every((e) => e?.retryAfterSeconds === 1800)).toBe(true);
    expect(events.at(-1)).toBe(now + 1_800_000);
    now += 1_800_001;
    await getPage(c, { id: '20' }).catch(() => {});
    expect(sent).toBe(4);
  });

  it('keeps a burst limit (short Retry-After, no quota reason) to the request that met it', async () => {
    let sent = 0;
    mockServer.use(
      http.get(`${SITE}/api/v2/pages/21`, () =>
        ++sent === 1
          ? new HttpResponse('{}', { status: 429, headers: { 'retry-after': '0' } })
          : HttpResponse.json(page('21', 1)),
      ),
    );
    const board = new RateLimitBoard();
    await getPage(client({ rateLimits: board }), { id: '21' });
    expect(await board.blockedUntil()).toBeUndefined();
    expect(sent).toBe(2);
  });
});
