import { HttpResponse, http } from 'msw';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ConnectionManager,
  type ConnectionManagerOptions,
  type ConnectionRecord,
} from '../../../../src/auth/atlassian/connections.js';
import {
  AtlassianOAuth,
  OAuthUnavailableError,
  type TokenSet,
} from '../../../../src/auth/atlassian/oauth-client.js';
import type { StorePort } from '../../../../src/auth/atlassian/store-port.js';
import { StoreRecords } from '../../../../src/auth/records.js';
import { NotConnectedError } from '../../../../src/auth/session.js';
import { EncryptionKeyring } from '../../../../src/auth/store/keys.js';
import { createMemoryBackend } from '../../../../src/auth/store/memory-backend.js';
import { createSecretStore } from '../../../../src/auth/store/secret-store.js';
import type { SecretStore } from '../../../../src/auth/store/types.js';
import { mockServer } from '../../../support/msw.js';

const AUTH = 'https://auth.atlassian.test';
const DAY = 86_400_000;
const SKEW = 60_000;
const SITE = {
  cloudId: 'c1',
  name: 'acme',
  url: 'https://acme.atlassian.net',
  scopes: ['read:page:confluence'],
};

/**
 * Atlassian's token endpoint as it behaves for refresh: every refresh token works once and is rotated; a spent or
 * unknown one gets invalid_grant. `hold` keeps answers back until released, so tests can line callers up.
 */
function fakeAtlassian(firstRefresh = 'r0') {
  const live = new Set([firstRefresh]);
  let issued = 0;
  const refreshes: string[] = [];
  let status = 200;
  let scope: string | undefined = 'read:page:confluence offline_access';
  mockServer.use(
    http.post(`${AUTH}/oauth/token`, async ({ request }) => {
      const body = (await request.json()) as Record<string, string>;
      expect(body.grant_type).toBe('refresh_token');
      refreshes.push(body.refresh_token as string);
      if (status !== 200) return HttpResponse.json({ error: 'temporarily_unavailable' }, { status });
      if (!live.delete(body.refresh_token as string)) {
        return HttpResponse.json({ error: 'invalid_grant' }, { status: 403 });
      }
      issued += 1;
      live.add(`r${issued}`);
      return HttpResponse.json({
        access_token: `a${issued}`,
        refresh_token: `r${issued}`,
        expires_in: 3600,
        ...(scope === undefined ? {} : { scope }),
      });
    }),
  );
  return {
    refreshes,
    failWith: (code: number) => {
      status = code;
    },
    answerScope: (value: string | undefined) => {
      scope = value;
    },
  };
}

const keys = new EncryptionKeyring([{ id: 'k1', key: Buffer.alloc(32, 9) }]);
const records = new StoreRecords(keys);
const stores: SecretStore[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});
function memoryStore(): SecretStore {
  const store = createSecretStore(createMemoryBackend(), { keys });
  stores.push(store);
  return store;
}

function manager(store: StorePort, now: () => number, options: Partial<ConnectionManagerOptions> = {}) {
  const oauth = new AtlassianOAuth({
    authBaseUrl: AUTH,
    apiBaseUrl: 'https://api.atlassian.test',
    clientId: 'app',
    clientSecret: 'secret',
    redirectUri: 'https://mcp.example.com/integration-callback',
    scopes: ['read:page:confluence', 'offline_access'],
    timeoutMs: 5000,
    userAgent: 'test',
    now,
  });
  return new ConnectionManager({ store, records, oauth, skewMs: SKEW, now, ...options });
}

const tokens = (over: Partial<TokenSet> = {}): TokenSet => ({
  accessToken: 'a0',
  refreshToken: 'r0',
  expiresAt: Date.now() + 3600_000,
  scopes: ['read:page:confluence'],
  ...over,
});

describe('ConnectionManager', () => {
  it('hands out a token that is fresh for longer than the skew without asking Atlassian', async () => {
    const atlassian = fakeAtlassian();
    const now = Date.now();
    const m = manager(memoryStore(), () => now);
    const saved = await m.save('priya', tokens({ expiresAt: now + SKEW + 1 }), [SITE]);
    expect(m.fresh(saved)).toBe(true);
    expect(await m.current('priya', saved)).toBe(saved);
    expect(atlassian.refreshes).toEqual([]);
  });

  it('counts a token that expires within the skew as stale and refreshes it', async () => {
    const atlassian = fakeAtlassian();
    const now = Date.now();
    const m = manager(memoryStore(), () => now);
    const saved = await m.save('priya', tokens({ expiresAt: now + SKEW }), [SITE]);
    expect(m.fresh(saved)).toBe(false);
    const next = await m.current('priya', saved);
    expect(next.accessToken).toBe('a1');
    expect(next.accessExpiresAt).toBe(now + 3600_000);
    expect(next.refreshedAt).toBe(now);
    expect(atlassian.refreshes).toEqual(['r0']);
  });

  it('stores the rotated refresh token, so the next refresh spends the new one', async () => {
    const atlassian = fakeAtlassian();
    let now = Date.now();
    const store = memoryStore();
    const m = manager(store, () => now);
    await m.save('priya', tokens({ expiresAt: now }), [SITE]);
    const first = await m.current('priya');
    expect(first.refreshToken).toBe('r1');
    expect((await m.get('priya'))?.refreshToken).toBe('r1');
    now += 2 * 3600_000;
    const second = await m.current('priya', first);
    expect(second.accessToken).toBe('a2');
    expect(atlassian.refreshes).toEqual(['r0', 'r1']);
    // A fresh manager (another process, or this one restarted) finds the latest tokens in the store.
    expect(await manager(store, () => now).get('priya')).toMatchObject({
      accessToken: 'a2',
      refreshToken: 'r2',
    });
  });

  it('refreshes once, under one lock, when 50 calls find an expired token at the same time', async () => {
    const atlassian = fakeAtlassian();
    const now = Date.now();
    const store = memoryStore();
    let locks = 0;
    // Calls in this process share one flight: only it takes the store's lock, which other processes wait on.
    const counting: StorePort = {
      get: (key) => store.get(key),
      set: (key, value, ttl) => store.set(key, value, ttl),
      delete: (key) => store.delete(key),
      take: (key) => store.take(key),
      add: (key, value, ttl) => store.add(key, value, ttl),
      withLock: (name, options, fn) => {
        locks += 1;
        return store.withLock(name, options, fn);
      },
    };
    const m = manager(counting, () => now);
    const stale = await m.save('priya', tokens({ expiresAt: now - 1 }), [SITE]);
    const results = await Promise.all(Array.from({ length: 50 }, () => m.current('priya', stale)));
    expect(new Set(results.map((r) => r.accessToken))).toEqual(new Set(['a1']));
    expect(atlassian.refreshes).toEqual(['r0']);
    expect(locks).toBe(1);
    // Once it has landed, the next stale caller starts a new flight.
    await m.current('priya', stale);
    expect(locks).toBe(2);
  });

  it('spends the refresh token once when two processes refresh one user at once: the second reads the first’s result under the lock', async () => {
    const atlassian = fakeAtlassian();
    const now = Date.now();
    const store = memoryStore();
    // Two managers over one store are two processes: they share the store's lock, not an in-memory flight.
    const one = manager(store, () => now);
    const two = manager(store, () => now);
    const stale = await one.save('priya', tokens({ expiresAt: now - 1 }), [SITE]);
    const [a, b] = await Promise.all([one.current('priya', stale), two.current('priya', stale)]);
    expect(a.accessToken).toBe('a1');
    expect(b.accessToken).toBe('a1');
    expect(atlassian.refreshes).toEqual(['r0']);
    expect((await one.get('priya'))?.refreshToken).toBe('r1');
  });

  it('hands out the new access token only once the rotated refresh token is stored', async () => {
    fakeAtlassian();
    const now = Date.now();
    const store = memoryStore();
    const events: string[] = [];
    // A store whose writes complete a moment later, as a remote store's do.
    const slow: StorePort = {
      get: (key) => store.get(key),
      delete: (key) => store.delete(key),
      take: (key) => store.take(key),
      add: (key, value, ttl) => store.add(key, value, ttl),
      withLock: (name, options, fn) => store.withLock(name, options, fn),
      set: async (key, value, ttl) => {
        await new Promise((resolve) => setImmediate(resolve));
        await store.set(key, value, ttl);
        events.push(`stored ${(value as ConnectionRecord).refreshToken}`);
      },
    };
    const m = manager(slow, () => now);
    const stale = await m.save('priya', tokens({ expiresAt: now - 1 }), [SITE]);
    events.length = 0;
    const next = await m.current('priya', stale);
    events.push(`handed out ${next.accessToken}`);
    expect(events).toEqual(['stored r1', 'handed out a1']);
  });

  it('fails a refresh whose rotated refresh token cannot be stored, rather than hand out a token whose renewal is lost', async () => {
    fakeAtlassian();
    const now = Date.now();
    const store = memoryStore();
    let writable = true;
    const failing: StorePort = {
      get: (key) => store.get(key),
      delete: (key) => store.delete(key),
      take: (key) => store.take(key),
      add: (key, value, ttl) => store.add(key, value, ttl),
      withLock: (name, options, fn) => store.withLock(name, options, fn),
      set: async (key, value, ttl) => {
        if (!writable) throw new Error('store is down');
        await store.set(key, value, ttl);
      },
    };
    const m = manager(failing, () => now);
    const stale = await m.save('priya', tokens({ expiresAt: now - 1 }), [SITE]);
    writable = false;
    await expect(m.current('priya', stale)).rejects.toThrow('store is down');
  });

  it('forgets a connection whose grant Atlassian has ended, and says only a new consent helps', async () => {
    const atlassian = fakeAtlassian('r-other');
    const now = Date.now();
    const m = manager(memoryStore(), () => now);
    await m.save('priya', tokens({ expiresAt: now - 1, refreshToken: 'r-revoked' }), [SITE]);
    const error = await m.current('priya').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotConnectedError);
    expect(error).toMatchObject({
      reason: 'revoked',
      message: expect.stringMatching(/ended your connection/),
    });
    expect(await m.get('priya')).toBeUndefined();
    expect(atlassian.refreshes).toEqual(['r-revoked']);
  });

  it('keeps the connection when Atlassian cannot be reached, so a later call can refresh it', async () => {
    const atlassian = fakeAtlassian();
    const now = Date.now();
    const m = manager(memoryStore(), () => now);
    await m.save('priya', tokens({ expiresAt: now - 1 }), [SITE]);
    atlassian.failWith(503);
    await expect(m.current('priya')).rejects.toBeInstanceOf(OAuthUnavailableError);
    expect((await m.get('priya'))?.refreshToken).toBe('r0');
    atlassian.failWith(200);
    expect((await m.current('priya')).accessToken).toBe('a1');
  });

  it('says a user who never connected is not connected, and one without a refresh token has expired', async () => {
    fakeAtlassian();
    const now = Date.now();
    const m = manager(memoryStore(), () => now);
    await expect(m.current('nobody')).rejects.toMatchObject({
      name: 'NotConnectedError',
      reason: 'none',
      message: expect.stringMatching(/not connected an Atlassian account/),
    });
    await m.save('sam', tokens({ expiresAt: now - 1, refreshToken: undefined }), [SITE]);
    expect(await m.get('sam')).not.toHaveProperty('refreshToken');
    await expect(m.current('sam')).rejects.toMatchObject({
      name: 'NotConnectedError',
      reason: 'expired',
      message: expect.stringMatching(/expired and cannot be renewed/),
    });
  });

  it('keeps the granted scopes when a refresh answers without naming any', async () => {
    const atlassian = fakeAtlassian();
    const now = Date.now();
    const m = manager(memoryStore(), () => now);
    await m.save(
      'priya',
      tokens({ expiresAt: now - 1, scopes: ['read:page:confluence', 'write:page:confluence'] }),
      [SITE],
    );
    atlassian.answerScope('');
    expect((await m.current('priya')).scopes).toEqual(['read:page:confluence', 'write:page:confluence']);
    atlassian.answerScope('read:page:confluence');
    const later = manager(memoryStore(), () => now + 7200_000);
    await later.save('priya', tokens({ expiresAt: now - 1, refreshToken: 'r1' }), [SITE]);
    expect((await later.current('priya')).scopes).toEqual(['read:page:confluence']);
  });

  it('keeps the refresh token it has when Atlassian rotates none', async () => {
    const now = Date.now();
    mockServer.use(
      http.post(`${AUTH}/oauth/token`, () => HttpResponse.json({ access_token: 'a-new', expires_in: 3600 })),
    );
    const m = manager(memoryStore(), () => now);
    await m.save('priya', tokens({ expiresAt: now - 1 }), [SITE]);
    const next = await m.current('priya');
    expect(next).toMatchObject({ accessToken: 'a-new', refreshToken: 'r0' });
    expect(await m.get('priya')).toMatchObject({ accessToken: 'a-new', refreshToken: 'r0' });
  });

  it('stores the account and sites of a consent, and forgets them on disconnect', async () => {
    const now = Date.now();
    const m = manager(memoryStore(), () => now);
    const account = { accountId: 'u1', name: 'Priya', email: 'priya@acme.example' };
    await m.save('priya', tokens(), [SITE], account);
    expect(await m.get('priya')).toEqual({
      v: 1,
      account,
      sites: [SITE],
      scopes: ['read:page:confluence'],
      accessToken: 'a0',
      accessExpiresAt: expect.any(Number),
      refreshToken: 'r0',
      createdAt: now,
      refreshedAt: now,
    });
    await m.save('sam', tokens(), [SITE]);
    expect(await m.get('sam')).not.toHaveProperty('account');
    expect(await m.disconnect('priya')).toBe(true);
    expect(await m.get('priya')).toBeUndefined();
    expect(await m.disconnect('priya')).toBe(false);
    expect(await m.get('sam')).toBeDefined();
  });

  it('keeps a connection 90 days past its last refresh, and never past a year from consent', async () => {
    fakeAtlassian();
    const consent = Date.now();
    let now = consent;
    const store = memoryStore();
    const ttls: number[] = [];
    const recording: StorePort = {
      get: (key) => store.get(key),
      delete: (key) => store.delete(key),
      take: (key) => store.take(key),
      add: (key, value, ttl) => store.add(key, value, ttl),
      withLock: (name, options, fn) => store.withLock(name, options, fn),
      set: async (key, value, ttl) => {
        ttls.push(ttl as number);
        await store.set(key, value, ttl);
      },
    };
    const m = manager(recording, () => now);
    await m.save('priya', tokens({ expiresAt: now - 1 }), [SITE]);
    expect(ttls.at(-1)).toBe(90 * DAY);
    now = consent + 300 * DAY;
    await m.current('priya');
    expect(ttls.at(-1)).toBe(65 * DAY);
    // Past the year the record lingers only a second: Atlassian has ended the refresh token anyway.
    now = consent + 400 * DAY;
    await m.current('priya', { ...((await m.get('priya')) as ConnectionRecord), accessExpiresAt: 0 });
    expect(ttls.at(-1)).toBe(1000);
  });

  it('gives up with the store’s lock timeout when another process holds the refresh lock too long', async () => {
    fakeAtlassian();
    const now = Date.now();
    const store = memoryStore();
    const m = manager(store, () => now, { lockWaitMs: 30, lockTtlMs: 10_000 });
    await m.save('priya', tokens({ expiresAt: now - 1 }), [SITE]);
    let release = (): void => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let entered = (): void => {};
    const inside = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const holder = store.withLock(records.refreshLock('priya'), { ttlMs: 10_000, waitMs: 0 }, async () => {
      entered();
      await held;
    });
    await inside;
    await expect(m.current('priya')).rejects.toMatchObject({ name: 'LockTimeoutError' });
    release();
    await holder;
  });
});

describe('ConnectionManager: telling how refreshes end', () => {
  it('tells ok for a renewal, invalid_grant for an ended grant, failed for an unreachable Atlassian', async () => {
    const atlassian = fakeAtlassian();
    const now = Date.now();
    const outcomes: string[] = [];
    const m = manager(memoryStore(), () => now, { onRefresh: (outcome) => outcomes.push(outcome) });
    await m.save('priya', tokens({ expiresAt: now - 1 }), [SITE]);
    atlassian.failWith(503);
    await expect(m.current('priya')).rejects.toBeInstanceOf(OAuthUnavailableError);
    atlassian.failWith(200);
    await m.current('priya');
    await m.save('omar', tokens({ expiresAt: now - 1, refreshToken: 'r-revoked' }), [SITE]);
    await expect(m.current('omar')).rejects.toBeInstanceOf(NotConnectedError);
    // A fresh token needs no refresh, and tells nothing.
    await m.current('priya');
    expect(outcomes).toEqual(['failed', 'ok', 'invalid_grant']);
  });
});
