import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { StoreRecords } from '../../../src/auth/records.js';
import { EncryptionKeyring, parseEncryptionKeys } from '../../../src/auth/store/keys.js';
import { userKeyHash } from '../../../src/auth/store/user-key.js';

const key = (byte: number) => ({ id: `k${byte}`, key: new Uint8Array(32).fill(byte) });

describe('the names of token-store records', () => {
  const keys = new EncryptionKeyring([key(1)]);
  const records = new StoreRecords(keys);
  const hash = userKeyHash('["https://idp.example","alice"]', keys);

  it('stay the names stored data was written under', () => {
    const user = '["https://idp.example","alice"]';
    expect(records.connection(user)).toBe(`conn:${hash}`);
    expect(records.refreshLock(user)).toBe(`refresh:${hash}`);
    expect(records.capabilities(user)).toBe(`caps:${hash}`);
    const slot = records.slot(user);
    expect(records.link(slot)).toBe(`link:${slot}`);
    expect(records.consent(slot)).toBe(`consent:${slot}`);
    expect(records.signIn(slot)).toBe(`signin:${slot}`);
    expect(records.linkCount(42)).toBe('linkcount:42');
    expect(records.linkCountLock).toBe('connect-link-count');
    // Shared by the fleet: every instance must read the quota mark where the others wrote it.
    expect(new StoreRecords(keys).quotaSpent).toBe('ratelimit:quota');
    // Slots and the OAuth state key derive from the keyring exactly as connect links were first written.
    const flowKey = keys.hmac('confluence-mcp oauth state key v1');
    expect(Buffer.from(records.flowKey)).toEqual(flowKey);
    expect(slot).toBe(createHmac('sha256', flowKey).update(`connect-slot\u0000${user}`).digest('base64url'));
  });

  it('probe readiness under a name no record is written under', () => {
    const user = '["https://idp.example","alice"]';
    const slot = records.slot(user);
    const written = [
      records.connection(user),
      records.refreshLock(user),
      records.capabilities(user),
      records.link(slot),
      records.consent(slot),
      records.signIn(slot),
      records.linkCount(1),
      records.linkCountLock,
      records.quotaSpent,
    ];
    expect(records.readinessProbe()).toMatch(/^[a-z][a-z-]+$/);
    expect(written).not.toContain(records.readinessProbe());
    expect(written.some((name) => name.startsWith(records.readinessProbe()))).toBe(false);
  });

  it('name no user: a record holds a keyed hash, and a slot is 43 characters of base64url', () => {
    const user = 'local';
    for (const name of [records.connection(user), records.refreshLock(user), records.capabilities(user)]) {
      expect(name).not.toContain(user);
    }
    expect(records.slot('someone@example.com')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(records.slot('someone@example.com')).not.toBe(records.slot('someone-else@example.com'));
    expect(records.slot('a')).not.toBe(records.userHash('a'));
  });

  it('depend on the oldest key only, so adding a key in front moves no record', () => {
    const rotated = new StoreRecords(new EncryptionKeyring([key(2), key(1)]));
    const other = new StoreRecords(new EncryptionKeyring([key(3)]));
    expect(rotated.connection('u')).toBe(records.connection('u'));
    expect(rotated.slot('u')).toBe(records.slot('u'));
    expect(Buffer.from(rotated.flowKey)).toEqual(Buffer.from(records.flowKey));
    expect(other.connection('u')).not.toBe(records.connection('u'));
    expect(other.slot('u')).not.toBe(records.slot('u'));
  });

  it('refuse an empty user key rather than share one record among callers without identity', () => {
    const fresh = new StoreRecords(parseEncryptionKeys('k:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='));
    expect(() => fresh.connection('')).toThrow(TypeError);
  });
});

describe('the user as log lines name them', () => {
  const alice = '["https://idp.example","alice"]';
  const bob = '["https://idp.example","bob"]';

  it('is a short keyed hash, apart from the record names, one per user, and the same after a key is added in front', () => {
    const records = new StoreRecords(new EncryptionKeyring([key(1)]));
    const tag = records.logTag(alice);
    expect(tag).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(records.logTag(alice)).toBe(tag);
    expect(records.logTag(bob)).not.toBe(tag);
    // A log reader cannot point at a user's records with it.
    expect(records.userHash(alice).startsWith(tag)).toBe(false);
    expect(records.connection(alice)).not.toContain(tag);
    expect(new StoreRecords(new EncryptionKeyring([key(2), key(1)])).logTag(alice)).toBe(tag);
    // Without the keys it cannot be recomputed from the user key.
    expect(new StoreRecords(new EncryptionKeyring([key(3)])).logTag(alice)).not.toBe(tag);
  });
});
