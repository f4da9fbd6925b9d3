// The edges of connect links: the id's shape, the time a person is left to use a link, the fleet-wide count across
// its two windows, links at their expiry, and single use when another process replaces a link mid-take.
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ConnectLinks,
  isLinkId,
  slotOfLinkId,
  takeMatching,
} from '../../../../src/auth/atlassian/connect-links.js';
import type { StorePort } from '../../../../src/auth/atlassian/store-port.js';
import { StoreRecords } from '../../../../src/auth/records.js';
import {
  generateEncryptionKey,
  openSecretStore,
  parseEncryptionKeys,
} from '../../../../src/auth/store/index.js';

const TTL = 10 * 60_000;
const who = (label: string) => ({ label });

/** A store over the memory backend that records the calls made to it, and lets a test change what `add` does. */
async function recordingStore(options: { addFails?: boolean } = {}) {
  const keys = parseEncryptionKeys(generateEncryptionKey('t'));
  const inner = await openSecretStore('memory://', { keys });
  const calls: string[] = [];
  /** Records the call's name, then does it. */
  const noted = <T>(name: string, run: () => Promise<T>): Promise<T> => {
    calls.push(name);
    return run();
  };
  const store: StorePort = {
    get: (key) => noted('get', () => inner.get(key)),
    set: (key, value, ttl) => noted('set', () => inner.set(key, value, ttl)),
    delete: (key) => noted('delete', () => inner.delete(key)),
    take: (key) => noted('take', () => inner.take(key)),
    add: (key, value, ttl) =>
      noted('add', () => (options.addFails ? Promise.resolve(false) : inner.add(key, value, ttl))),
    withLock: (name, o, fn) => noted('lock', () => inner.withLock(name, o, fn)),
  };
  return { store, records: new StoreRecords(keys), calls };
}

async function linksAt(
  options: { ttlMs?: number; maxPending?: number; now?: () => number; addFails?: boolean } = {},
) {
  const { store, records, calls } = await recordingStore(options);
  const links = new ConnectLinks({
    store,
    records,
    ttlMs: options.ttlMs ?? TTL,
    maxPending: options.maxPending ?? 1000,
    now: options.now ?? Date.now,
  });
  return { links, calls };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('the shape of a link id', () => {
  it('is a slot and a nonce of 43 base64url characters each, and nothing else', () => {
    const slot = `${'A'.repeat(20)}${'-_'.repeat(5)}${'z9'.repeat(6)}q`;
    const id = slot + 'n'.repeat(43);
    expect(isLinkId(id)).toBe(true);
    expect(slotOfLinkId(id)).toBe(slot);
    for (const bad of [
      id.slice(1),
      `${id}x`,
      `${id.slice(0, 85)}=`,
      `${id.slice(0, 85)}.`,
      ` ${id.slice(1)}`,
      `${id}\n`,
      '',
    ]) {
      expect(isLinkId(bad)).toBe(false);
      expect(slotOfLinkId(bad)).toBeUndefined();
    }
  });

  it('costs no store round trip when it is malformed', async () => {
    const { links, calls } = await linksAt();
    expect(await links.find('not-a-link')).toBeUndefined();
    expect(await links.spend('not-a-link')).toBeUndefined();
    expect(calls).toEqual([]);
  });
});

describe('the time a person is left to use a link', () => {
  it('hands the same link out again while more than a fifth of its lifetime (at most a minute) is left', async () => {
    // A 100 s lifetime leaves a 20 s margin; a 10 min one, a 60 s margin.
    let now = 1_000_000;
    const short = await linksAt({ ttlMs: 100_000, now: () => now });
    const first = await short.links.issue('user-a', who('A'));
    now += 100_000 - 20_001;
    expect(await short.links.issue('user-a', who('A'))).toBe(first);
    now += 1;
    const second = await short.links.issue('user-a', who('A'));
    expect(second).not.toBe(first);

    now = 1_000_000;
    const long = await linksAt({ ttlMs: TTL, now: () => now });
    const kept = await long.links.issue('user-b', who('B'));
    now += TTL - 90_000;
    expect(await long.links.issue('user-b', who('B'))).toBe(kept);
    now += 30_000;
    expect(await long.links.issue('user-b', who('B'))).not.toBe(kept);
  });

  it('gives one user asking many times at once one link, counted once against the cap', async () => {
    const { links } = await linksAt({ maxPending: 1 });
    const ids = await Promise.all(Array.from({ length: 10 }, () => links.issue('user-a', who('A'))));
    expect(new Set(ids).size).toBe(1);
    await expect(links.issue('user-b', who('B'))).rejects.toThrow(/Too many people/);
  });

  it('gives up after three tries when the slot stays taken, and says so', async () => {
    const { links, calls } = await linksAt({ addFails: true });
    await expect(links.issue('user-a', who('A'))).rejects.toThrow(
      'could not create a connect link: its slot stays taken',
    );
    expect(calls.filter((c) => c === 'add')).toHaveLength(3);
  });

  it('does not find a link at or after its expiry, even while the store still holds it', async () => {
    let now = 5_000_000;
    const { links } = await linksAt({ now: () => now });
    const id = await links.issue('user-a', who('A'));
    now += TTL - 1;
    expect((await links.find(id))?.userKey).toBe('user-a');
    now += 1;
    expect(await links.find(id)).toBeUndefined();
  });
});

describe('the fleet-wide count of links', () => {
  it('counts the links of the current and the previous lifetime window, each kept for two windows', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    // The start of a lifetime window, so that window arithmetic is plain to read.
    vi.setSystemTime(1_000 * TTL);
    const { links } = await linksAt({ maxPending: 1 });
    await links.issue('user-a', who('A'));
    // Later in the same window: the count is still there.
    vi.setSystemTime(1_000 * TTL + 0.6 * TTL);
    await expect(links.issue('user-b', who('B'))).rejects.toThrow(/Too many people/);
    // The next window still counts the previous one's link.
    vi.setSystemTime(1_001 * TTL + 0.9 * TTL);
    await expect(links.issue('user-b', who('B'))).rejects.toThrow(/Try again in 10 minutes/);
    // Two windows on, the first link's count is gone.
    vi.setSystemTime(1_002 * TTL);
    expect(isLinkId(await links.issue('user-b', who('B')))).toBe(true);
  });
});

describe('takeMatching', () => {
  type Rec = { nonce: string; expiresAt: number };
  /** A store whose record changes between the read and the take, as when another process replaced it. */
  function racing(seen: Rec, taken: Rec | undefined) {
    const added: Array<{ key: string; value: unknown; ttl: number | undefined }> = [];
    const calls: string[] = [];
    const store = {
      get: async () => {
        calls.push('get');
        return seen;
      },
      take: async () => {
        calls.push('take');
        return taken;
      },
      add: async (key: string, value: unknown, ttl?: number) => {
        calls.push('add');
        added.push({ key, value, ttl });
        return true;
      },
    } as unknown as StorePort;
    return { store, added, calls };
  }
  const matches = (r: Rec) => r.nonce === 'mine';

  it('leaves the record alone, not even taking it, when the secret does not match', async () => {
    const { store, calls } = racing(
      { nonce: 'theirs', expiresAt: 10_000 },
      { nonce: 'theirs', expiresAt: 10_000 },
    );
    expect(await takeMatching(store, 'k', matches, () => 1_000)).toBeUndefined();
    expect(calls).toEqual(['get']);
  });

  it('puts back, for the time it had left, a newer record that replaced the one read', async () => {
    const newer = { nonce: 'theirs', expiresAt: 10_000 };
    const { store, added } = racing({ nonce: 'mine', expiresAt: 9_000 }, newer);
    expect(await takeMatching(store, 'k', matches, () => 4_000)).toBeUndefined();
    expect(added).toEqual([{ key: 'k', value: newer, ttl: 6_000 }]);
  });

  it('does not put back a newer record that has expired meanwhile', async () => {
    const { store, added } = racing(
      { nonce: 'mine', expiresAt: 9_000 },
      { nonce: 'theirs', expiresAt: 4_000 },
    );
    expect(await takeMatching(store, 'k', matches, () => 4_000)).toBeUndefined();
    expect(added).toEqual([]);
  });

  it('gets nothing when another taker was first', async () => {
    const { store, added } = racing({ nonce: 'mine', expiresAt: 9_000 }, undefined);
    expect(await takeMatching(store, 'k', matches, () => 4_000)).toBeUndefined();
    expect(added).toEqual([]);
  });
});
