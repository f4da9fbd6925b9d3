import { describe, expect, it } from 'vitest';
import { ConnectLinks } from '../../../../src/auth/atlassian/connect-links.js';
import { StoreRecords } from '../../../../src/auth/records.js';
import { NotConnectedError } from '../../../../src/auth/session.js';
import {
  generateEncryptionKey,
  openSecretStore,
  parseEncryptionKeys,
} from '../../../../src/auth/store/index.js';

const TTL = 10 * 60_000;

async function fleet(options: { processes?: number; maxPending?: number; now?: () => number } = {}) {
  const keys = parseEncryptionKeys(generateEncryptionKey('t'));
  const store = await openSecretStore('memory://', { keys });
  const records = new StoreRecords(keys);
  // Several instances over one store, as processes of a fleet share Redis.
  const instances = Array.from(
    { length: options.processes ?? 1 },
    () =>
      new ConnectLinks({
        store,
        records,
        ttlMs: TTL,
        maxPending: options.maxPending ?? 1000,
        now: options.now ?? Date.now,
      }),
  );
  return { store, records, instances, links: instances[0] as ConnectLinks };
}

const who = (label: string) => ({ label });

describe('ConnectLinks', () => {
  it('gives many concurrent first calls of one user, across processes, one and the same link', async () => {
    const { instances, store, records } = await fleet({ processes: 4 });
    const ids = await Promise.all(
      Array.from({ length: 80 }, (_, i) => (instances[i % 4] as ConnectLinks).issue('user-a', who('A'))),
    );
    expect(new Set(ids).size).toBe(1);
    expect(await store.get(records.link(records.slot('user-a')))).toBeDefined();
  });

  it("never hands one user's link to another", async () => {
    const { links } = await fleet();
    const [a, b] = await Promise.all([links.issue('user-a', who('A')), links.issue('user-b', who('B'))]);
    expect(a).not.toBe(b);
    expect((await links.find(a as string))?.userKey).toBe('user-a');
    expect((await links.find(b as string))?.userKey).toBe('user-b');
    // A's link id with B's slot (or the other way round) is no link at all.
    expect(await links.find((b as string).slice(0, 43) + (a as string).slice(43))).toBeUndefined();
  });

  it('lets exactly one of many concurrent spenders use a link, and never hands a spent link out again', async () => {
    const { instances, links } = await fleet({ processes: 3 });
    const id = await links.issue('user-a', who('A'));
    const spent = await Promise.all(
      Array.from({ length: 30 }, (_, i) => (instances[i % 3] as ConnectLinks).spend(id)),
    );
    expect(spent.filter(Boolean)).toHaveLength(1);
    const next = await links.issue('user-a', who('A'));
    expect(next).not.toBe(id);
    expect(await links.find(id)).toBeUndefined();
  });

  it('refuses a stale or guessed id without disturbing the current link', async () => {
    const { links } = await fleet();
    const old = await links.issue('user-a', who('A'));
    await links.spend(old);
    const current = await links.issue('user-a', who('A'));
    expect(await links.spend(old)).toBeUndefined();
    expect(await links.spend(`${current.slice(0, 43)}${'x'.repeat(43)}`)).toBeUndefined();
    expect(await links.spend('not-a-link')).toBeUndefined();
    expect((await links.spend(current))?.userKey).toBe('user-a');
  });

  it('replaces a link about to expire with a fresh one, leaving one record', async () => {
    let now = Date.now();
    const { links } = await fleet({ now: () => now });
    const first = await links.issue('user-a', who('A'));
    now += TTL - 30_000;
    const second = await links.issue('user-a', who('A'));
    expect(second).not.toBe(first);
    expect(await links.find(first)).toBeUndefined();
    expect(await links.find(second)).toBeDefined();
  });

  it('caps links made fleet-wide per lifetime, even when many users ask at once, and says to try later', async () => {
    const { instances } = await fleet({ processes: 2, maxPending: 5 });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        (instances[i % 2] as ConnectLinks).issue(`user-${i}`, who(`U${i}`)),
      ),
    );
    const made = outcomes.filter((o) => o.status === 'fulfilled');
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(made).toHaveLength(5);
    expect(refused).toHaveLength(15);
    for (const { reason } of refused) {
      expect(reason).toBeInstanceOf(NotConnectedError);
      expect((reason as NotConnectedError).reason).toBe('busy');
      expect((reason as Error).message).toMatch(/Too many people are connecting.*Try again in 10 minutes/);
    }
  });

  it('counts a new lifetime window afresh once the links of the last two have expired', async () => {
    let now = 0;
    const { links } = await fleet({ maxPending: 1, now: () => now });
    await links.issue('user-a', who('A'));
    await expect(links.issue('user-b', who('B'))).rejects.toThrow(/Too many people/);
    now += 2 * TTL;
    expect(await links.issue('user-b', who('B'))).toMatch(/^[A-Za-z0-9_-]{86}$/);
  });
});

describe('ConnectLinks when the fleet-wide count is held too long by another process', () => {
  it('says the server is busy instead of speaking of a connection being renewed', async () => {
    const keys = parseEncryptionKeys(generateEncryptionKey('t'));
    const store = await openSecretStore('memory://', { keys });
    const links = new ConnectLinks({
      store,
      records: new StoreRecords(keys),
      ttlMs: TTL,
      maxPending: 10,
      now: Date.now,
    });
    let release = (): void => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    // Another holder keeps the counting lock past the 5 s a new link waits for it.
    const holder = store.withLock('connect-link-count', { ttlMs: 60_000, waitMs: 0 }, () => held);
    try {
      await expect(links.issue('user-a', { label: 'A' })).rejects.toMatchObject({
        name: 'NotConnectedError',
        reason: 'busy',
        message: expect.stringMatching(/busy making connect links.*Try again in a few seconds/),
      });
    } finally {
      release();
      await holder;
    }
  }, 15_000);
});
