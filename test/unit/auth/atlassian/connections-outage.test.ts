// While the token store cannot be reached, a user whose access token is still fresh keeps working from the record
// this process last saw; nobody else does, nothing stale is handed out, and the memory this takes is bounded.
import { describe, expect, it } from 'vitest';
import { ConnectionManager, type ConnectionRecord } from '../../../../src/auth/atlassian/connections.js';
import { AtlassianOAuth, type TokenSet } from '../../../../src/auth/atlassian/oauth-client.js';
import type { StorePort } from '../../../../src/auth/atlassian/store-port.js';
import { StoreRecords } from '../../../../src/auth/records.js';
import { EncryptionKeyring } from '../../../../src/auth/store/keys.js';
import { StoreUnavailableError } from '../../../../src/auth/store/store-unavailable-error.js';

const HOUR = 3_600_000;
const records = new StoreRecords(new EncryptionKeyring([{ id: 'k1', key: Buffer.alloc(32, 3) }]));
const SITE = { cloudId: 'c1', name: 'acme', url: 'https://acme.atlassian.net', scopes: [] };

/** A plain map as the store, which can be made to fail as an unreachable Redis does (or with another error). */
function flakyStore() {
  const map = new Map<string, unknown>();
  let failure: Error | undefined;
  const check = () => {
    if (failure) throw failure;
  };
  const store: StorePort = {
    get: async <T>(key: string) => {
      check();
      return map.get(key) as T | undefined;
    },
    set: async (key, value) => {
      check();
      map.set(key, value);
    },
    delete: async (key) => {
      check();
      return map.delete(key);
    },
    take: async () => {
      throw new Error('not used here');
    },
    add: async () => {
      throw new Error('not used here');
    },
    withLock: async () => {
      throw new Error('not used here');
    },
  };
  return {
    store,
    map,
    down: (error: Error | undefined = new StoreUnavailableError('redis unreachable')) => {
      failure = error;
    },
    up: () => {
      failure = undefined;
    },
  };
}

function manager(store: StorePort, now: () => number) {
  const oauth = new AtlassianOAuth({
    authBaseUrl: 'https://auth.atlassian.test',
    apiBaseUrl: 'https://api.atlassian.test',
    clientId: 'app',
    clientSecret: 'secret',
    redirectUri: 'https://mcp.example.com/integration-callback',
    scopes: ['offline_access'],
    timeoutMs: 5000,
    userAgent: 'test',
    now,
  });
  return new ConnectionManager({ store, records, oauth, skewMs: 60_000, now });
}

const tokens = (expiresAt: number): TokenSet => ({
  accessToken: 'a0',
  refreshToken: 'r0',
  expiresAt,
  scopes: [],
});

describe('ConnectionManager while the token store is down', () => {
  it('answers a user from the record last seen while its access token is fresh, and fails once it is not', async () => {
    let now = 1_000_000;
    const s = flakyStore();
    const m = manager(s.store, () => now);
    const saved = await m.save('priya', tokens(now + HOUR), [SITE]);
    s.down();
    expect(await m.get('priya')).toStrictEqual(saved);
    now += HOUR - 60_000;
    await expect(m.get('priya')).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  it('answers from a record read (not only one saved) by this process', async () => {
    const now = 1_000_000;
    const s = flakyStore();
    const writer = manager(s.store, () => now);
    await writer.save('priya', tokens(now + HOUR), [SITE]);
    const reader = manager(s.store, () => now);
    const read = (await reader.get('priya')) as ConnectionRecord;
    expect(read.accessToken).toBe('a0');
    s.down();
    expect(await reader.get('priya')).toStrictEqual(read);
  });

  it('fails for a user it has not seen, and on any error other than the store being unavailable', async () => {
    const now = 1_000_000;
    const s = flakyStore();
    const m = manager(s.store, () => now);
    await m.save('priya', tokens(now + HOUR), [SITE]);
    s.down();
    await expect(m.get('omar')).rejects.toThrow('token store unavailable: redis unreachable');
    const bug = new TypeError('a bug, not an outage');
    s.down(bug);
    await expect(m.get('priya')).rejects.toBe(bug);
  });

  it('forgets a connection that was disconnected, or found gone from the store, before the outage', async () => {
    const now = 1_000_000;
    const s = flakyStore();
    const m = manager(s.store, () => now);
    await m.save('priya', tokens(now + HOUR), [SITE]);
    await m.save('omar', tokens(now + HOUR), [SITE]);
    // Priya disconnected here; Omar's record was removed by another process, which this one then read.
    await m.disconnect('priya');
    s.map.delete(records.connection('omar'));
    expect(await m.get('omar')).toBeUndefined();
    s.down();
    await expect(m.get('priya')).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(m.get('omar')).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  it('keeps the last-seen records of at most 10,000 users, dropping the longest unseen first', async () => {
    const now = 1_000_000;
    const s = flakyStore();
    const m = manager(s.store, () => now);
    for (let i = 0; i < 10_000; i++) await m.save(`user-${i}`, tokens(now + HOUR), [SITE]);
    // User 0 is seen again, so user 1 becomes the one longest unseen.
    await m.get('user-0');
    s.down();
    expect((await m.get('user-1'))?.accessToken).toBe('a0');
    s.up();
    await m.save('user-10000', tokens(now + HOUR), [SITE]);
    s.down();
    await expect(m.get('user-1')).rejects.toBeInstanceOf(StoreUnavailableError);
    for (const kept of ['user-0', 'user-2', 'user-9999', 'user-10000']) {
      expect((await m.get(kept))?.accessToken).toBe('a0');
    }
  });
});
