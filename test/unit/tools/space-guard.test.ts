import { HttpResponse, http } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfluenceClient } from '../../../src/confluence/index.js';
import { OutOfBoundsError, type SpaceBounds, SpaceGuard } from '../../../tools/space-guard.js';
import { mockServer } from '../../support/msw.js';

// The space guard on its own: what it allows, what it asks Confluence, and what it remembers (and for how long).
// What it remembers is kept per site for the whole process, so each test uses sites of its own.

const client = (site: string) =>
  new ConfluenceClient({
    auth: { type: 'api-token', siteUrl: site, email: 'a@guard.example', apiToken: 't' },
    timeoutMs: 5000,
    userAgent: 'space-guard-test',
  });

/** Answers GET /spaces with the spaces in `visible` the request names, and records each request's ids. */
function mockSpaces(visible: Record<string, string>, status = 200) {
  const requests: string[][] = [];
  mockServer.use(
    http.get(/\/wiki\/api\/v2\/spaces$/, ({ request }) => {
      const ids = (new URL(request.url).searchParams.get('ids') ?? '').split(',');
      requests.push(ids);
      if (status !== 200) return HttpResponse.json({ message: 'no' }, { status });
      return HttpResponse.json({
        results: ids.filter((id) => visible[id]).map((id) => ({ id, key: visible[id], name: id })),
        _links: {},
      });
    }),
  );
  return requests;
}

const denyHr: SpaceBounds = { allow: [], deny: ['HR'] };
const unbounded: SpaceBounds = { allow: [], deny: [] };

afterEach(() => {
  vi.useRealTimers();
});

describe('SpaceGuard', () => {
  it('judges keys by the allow- and deny-lists, without regard to case, and fails closed on an unknown key', () => {
    const site = client('https://keys.atlassian.net');
    const onlyEng = new SpaceGuard({ allow: ['eng'], deny: [] }, site);
    expect(onlyEng.allowsKey('ENG')).toBe(true);
    expect(onlyEng.allowsKey('OPS')).toBe(false);
    expect(onlyEng.allowsKey(undefined)).toBe(false);
    const open = new SpaceGuard(unbounded, site);
    expect(open.active).toBe(false);
    expect(open.allowsKey(undefined)).toBe(true);
    expect(() => new SpaceGuard(denyHr, site).checkKey('hr')).toThrow(new OutOfBoundsError('space hr'));
  });

  it('names the space it refuses, as an OutOfBoundsError answered like content that does not exist', () => {
    const guard = new SpaceGuard(denyHr, client('https://names.atlassian.net'));
    let thrown: unknown;
    try {
      guard.checkKey('HR');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(OutOfBoundsError);
    expect((thrown as OutOfBoundsError).name).toBe('OutOfBoundsError');
    expect((thrown as OutOfBoundsError).kind).toBe('not-found');
    expect((thrown as OutOfBoundsError).message).toBe('space HR is outside the spaces this server may use');
  });

  it('judges space ids by the key Confluence gives them, asking once and only for ids it has not learned', async () => {
    const requests = mockSpaces({ '1': 'ENG', '2': 'HR' });
    const guard = new SpaceGuard(denyHr, client('https://ids.atlassian.net'));
    expect(await guard.allowsSpaceId('1')).toBe(true);
    expect(await guard.allowsSpaceId('2')).toBe(false);
    expect(await guard.allowsSpaceId('3')).toBe(false);
    expect(await guard.allowsSpaceId(undefined)).toBe(false);
    expect(requests).toEqual([['1'], ['2'], ['3']]);

    // Now 1 and 2 are known: items in them are judged with no request; an item with no space is left out.
    const items = [{ s: '1' }, { s: '2' }, { s: undefined }, { s: '01' }];
    expect(await guard.filter(items, (i) => i.s)).toEqual([{ s: '1' }, { s: '01' }]);
    expect(requests).toHaveLength(3);
    await expect(guard.checkSpaceId('2', 'page 20')).rejects.toThrow(new OutOfBoundsError('page 20'));
    expect(requests).toHaveLength(3);
  });

  it('filters nothing and asks nothing when no bounds are set', async () => {
    const requests = mockSpaces({});
    const guard = new SpaceGuard(unbounded, client('https://open.atlassian.net'));
    const items = [{ s: '1' }, { s: undefined }];
    expect(await guard.filter(items, (i) => i.s)).toEqual(items);
    expect(guard.filterByKey(items, () => undefined)).toEqual(items);
    expect(await guard.allowsSpaceId('1')).toBe(true);
    expect(requests).toEqual([]);
  });

  it('asks for at most 250 spaces in one request', async () => {
    const visible = Object.fromEntries(Array.from({ length: 251 }, (_, i) => [String(i + 1), `K${i + 1}`]));
    const requests = mockSpaces(visible);
    const guard = new SpaceGuard(denyHr, client('https://many.atlassian.net'));
    const items = Object.keys(visible).map((s) => ({ s }));
    expect(await guard.filter(items, (i) => i.s)).toHaveLength(251);
    expect(requests.map((ids) => ids.length)).toEqual([250, 1]);
  });

  it('learns only spaces shown with both an id and a key', async () => {
    const requests = mockSpaces({});
    const guard = new SpaceGuard(denyHr, client('https://learn.atlassian.net'));
    guard.learn([{ id: 7, key: 'ENG' }, { id: '8' }, { key: 'OPS' }, {}]);
    // A later answer that shows the space without its key does not erase what an earlier one said.
    guard.learn([{ id: '07' }]);
    expect(await guard.allowsSpaceId('7')).toBe(true);
    expect(requests).toEqual([]);
    expect(await guard.allowsSpaceId('8')).toBe(false);
    expect(requests).toEqual([['8']]);
  });

  it('forgets a key ten minutes after learning it, since a space’s key can change', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-01-01T00:00:00Z'));
    const requests = mockSpaces({ '5': 'HR' });
    const guard = new SpaceGuard(denyHr, client('https://ttl.atlassian.net'));
    guard.learn([{ id: '5', key: 'ENG' }]);
    vi.setSystemTime(new Date('2026-01-01T00:10:00Z'));
    expect(await guard.allowsSpaceId('5')).toBe(true);
    expect(requests).toEqual([]);
    vi.setSystemTime(new Date('2026-01-01T00:10:00.001Z'));
    expect(await guard.allowsSpaceId('5')).toBe(false);
    expect(requests).toEqual([['5']]);
  });

  it('remembers at most 5,000 spaces per site, forgetting the oldest first', async () => {
    const requests = mockSpaces({});
    const guard = new SpaceGuard(denyHr, client('https://crowded.atlassian.net'));
    guard.learn(Array.from({ length: 5001 }, (_, i) => ({ id: String(i + 1), key: 'ENG' })));
    expect(await guard.allowsSpaceId('2')).toBe(true);
    expect(requests).toEqual([]);
    expect(await guard.allowsSpaceId('1')).toBe(false);
    expect(requests).toEqual([['1']]);
  });

  it('remembers at most 200 sites, forgetting the oldest first', async () => {
    const requests = mockSpaces({});
    const guards = Array.from(
      { length: 201 },
      (_, i) => new SpaceGuard(denyHr, client(`https://site-${i}.atlassian.net`)),
    );
    for (const guard of guards) guard.learn([{ id: '1', key: 'ENG' }]);
    expect(await guards[1]?.allowsSpaceId('1')).toBe(true);
    expect(await guards[200]?.allowsSpaceId('1')).toBe(true);
    expect(requests).toEqual([]);
    expect(await guards[0]?.allowsSpaceId('1')).toBe(false);
    expect(requests).toEqual([['1']]);
  });

  it('shows no key when it cannot learn one, unless the call was cancelled', async () => {
    mockSpaces({}, 403);
    expect(await new SpaceGuard(denyHr, client('https://hidden.atlassian.net')).keyOf('9')).toBeUndefined();
    expect(
      await new SpaceGuard(unbounded, client('https://hidden.atlassian.net')).keyOf(undefined),
    ).toBeUndefined();
    const cancelled = new AbortController();
    cancelled.abort(new Error('cancelled'));
    const guard = new SpaceGuard(denyHr, client('https://hidden.atlassian.net'), cancelled.signal);
    await expect(guard.keyOf('9')).rejects.toThrow();
  });
});
