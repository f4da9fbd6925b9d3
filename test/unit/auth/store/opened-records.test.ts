import { afterEach, describe, expect, it, vi } from 'vitest';
import { StoreRecords } from '../../../../src/auth/records.js';
import { EncryptionKeyring } from '../../../../src/auth/store/keys.js';
import { createMemoryBackend } from '../../../../src/auth/store/memory-backend.js';
import { createSecretStore } from '../../../../src/auth/store/secret-store.js';
import type { Backend, SecretStore } from '../../../../src/auth/store/types.js';

// A user's connection is read on every call: the store keeps what it last decrypted for each record, keyed by the
// envelope it came from, and the record names keep each user's hash. These tests hold that the shortcut changes
// nothing a reader can see: a changed or tampered record is read as it is now, and no plaintext outlives its record.

const stores: SecretStore[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
});

function storeOver(backend: Backend, keys: EncryptionKeyring, onCorrupt?: (event: unknown) => void) {
  const store = createSecretStore(backend, { keys, ...(onCorrupt ? { onCorrupt } : {}) });
  stores.push(store);
  return store;
}

function keyring() {
  return new EncryptionKeyring([{ id: 'k1', key: Buffer.alloc(32, 7) }]);
}

describe('reading a record again', () => {
  it('decrypts it once while it is unchanged, and hands out a new object each time', async () => {
    const keys = keyring();
    const store = storeOver(createMemoryBackend(), keys);
    await store.set('conn:alice', { access: 'a1', sites: ['x'] });
    const lookups = vi.spyOn(keys, 'key');
    const first = await store.get<{ access: string; sites: string[] }>('conn:alice');
    expect(lookups).toHaveBeenCalledTimes(1);
    first?.sites.push('changed by the caller');
    const second = await store.get<{ access: string; sites: string[] }>('conn:alice');
    expect(lookups).toHaveBeenCalledTimes(1);
    expect(second).toEqual({ access: 'a1', sites: ['x'] });
  });

  it('reads what another instance wrote since, not what it decrypted before', async () => {
    const keys = keyring();
    const backend = createMemoryBackend();
    const mine = storeOver(backend, keys);
    const theirs = createSecretStore(backend, { keys });
    await mine.set('conn:alice', { access: 'old' });
    expect(await mine.get('conn:alice')).toEqual({ access: 'old' });
    await theirs.set('conn:alice', { access: 'new' });
    expect(await mine.get('conn:alice')).toEqual({ access: 'new' });
    await theirs.delete('conn:alice');
    expect(await mine.get('conn:alice')).toBeUndefined();
  });

  it('reports a record tampered with after it was read as corrupt, rather than answer the old plaintext', async () => {
    const keys = keyring();
    const backend = createMemoryBackend();
    const corrupt = vi.fn();
    const store = storeOver(backend, keys, corrupt);
    await store.set('conn:alice', { access: 'a1' });
    expect(await store.get('conn:alice')).toEqual({ access: 'a1' });
    const full = 'cmcp:kv:conn:alice';
    const envelope = (await backend.get(full)) as string;
    const parts = envelope.split('.');
    // The same key id and IV with another tag: it must fail authentication, however recently it was read.
    parts[4] = Buffer.alloc(16, 1).toString('base64url');
    await backend.set(full, parts.join('.'));
    expect(await store.get('conn:alice')).toBeUndefined();
    expect(corrupt).toHaveBeenCalledWith({ key: 'conn:alice', reason: 'authentication-failed' });
    // An envelope moved to another record's name does not open there either (its key is the additional data).
    await store.set('conn:bob', { access: 'b1' });
    await backend.set(full, (await backend.get('cmcp:kv:conn:bob')) as string);
    expect(await store.get('conn:alice')).toBeUndefined();
  });

  it('does not keep what was taken or deleted, even when the same envelope comes back', async () => {
    const keys = keyring();
    const backend = createMemoryBackend();
    const store = storeOver(backend, keys);
    await store.set('state:s1', { user: 'alice' });
    expect(await store.get('state:s1')).toEqual({ user: 'alice' });
    const envelope = (await backend.get('cmcp:kv:state:s1')) as string;
    expect(await store.take('state:s1')).toEqual({ user: 'alice' });
    expect(await store.get('state:s1')).toBeUndefined();
    const lookups = vi.spyOn(keys, 'key');
    await backend.set('cmcp:kv:state:s1', envelope);
    expect(await store.get('state:s1')).toEqual({ user: 'alice' });
    // Decrypted again: the take dropped what the read before it kept.
    expect(lookups).toHaveBeenCalledTimes(1);
    await store.delete('state:s1');
    await backend.set('cmcp:kv:state:s1', envelope);
    expect(await store.get('state:s1')).toEqual({ user: 'alice' });
    expect(lookups).toHaveBeenCalledTimes(2);
  });

  it('keeps a bounded number of records, and reads every one right past the bound', async () => {
    const keys = keyring();
    const store = storeOver(createMemoryBackend(), keys);
    const count = 1100;
    for (let i = 0; i < count; i++) await store.set(`conn:u${i}`, { n: i });
    for (let i = 0; i < count; i++) expect(await store.get(`conn:u${i}`)).toEqual({ n: i });
    const lookups = vi.spyOn(keys, 'key');
    // The most recent 1,024 are kept; the first ones read were let go and are decrypted again.
    expect(await store.get(`conn:u${count - 1}`)).toEqual({ n: count - 1 });
    expect(lookups).toHaveBeenCalledTimes(0);
    expect(await store.get('conn:u0')).toEqual({ n: 0 });
    expect(lookups).toHaveBeenCalledTimes(1);
    for (let i = 0; i < count; i++) expect(await store.get(`conn:u${i}`)).toEqual({ n: i });
  });
});

describe("a user's record-name hash", () => {
  it('is computed once per user and stays the same, past the bound too', () => {
    const keys = keyring();
    const records = new StoreRecords(keys);
    const fresh = new StoreRecords(keyring());
    const hmac = vi.spyOn(keys, 'hmac');
    const alice = records.userHash('alice');
    expect(records.userHash('alice')).toBe(alice);
    expect(hmac).toHaveBeenCalledTimes(1);
    for (let i = 0; i < 4200; i++) expect(records.userHash(`user-${i}`)).toBe(fresh.userHash(`user-${i}`));
    // Alice was the first kept and has been let go: hashed again, to the same name.
    const before = hmac.mock.calls.length;
    expect(records.userHash('alice')).toBe(alice);
    expect(hmac).toHaveBeenCalledTimes(before + 1);
    expect(records.userHash('user-4199')).toBe(fresh.userHash('user-4199'));
    expect(hmac).toHaveBeenCalledTimes(before + 1);
  });
});

describe('the records kept decrypted', () => {
  it('keep several at once: reading another record does not let the first go', async () => {
    const keys = keyring();
    const store = storeOver(createMemoryBackend(), keys);
    await store.set('conn:a', { n: 'a' });
    await store.set('conn:b', { n: 'b' });
    await store.get('conn:a');
    await store.get('conn:b');
    const lookups = vi.spyOn(keys, 'key');
    expect(await store.get('conn:a')).toEqual({ n: 'a' });
    expect(await store.get('conn:b')).toEqual({ n: 'b' });
    expect(lookups).toHaveBeenCalledTimes(0);
    // A record changed since is decrypted again and replaces its old plaintext, letting no other record go.
    await store.set('conn:a', { n: 'a2' });
    lookups.mockClear();
    expect(await store.get('conn:a')).toEqual({ n: 'a2' });
    expect(await store.get('conn:b')).toEqual({ n: 'b' });
    expect(lookups).toHaveBeenCalledTimes(1);
  });

  it('are at most 1,024: the 1,025th read lets the oldest go, and only it', async () => {
    const keys = keyring();
    const store = storeOver(createMemoryBackend(), keys);
    for (let i = 0; i <= 1024; i++) await store.set(`conn:u${i}`, { n: i });
    for (let i = 0; i < 1024; i++) await store.get(`conn:u${i}`);
    const lookups = vi.spyOn(keys, 'key');
    // 1,024 kept: the first is still there.
    await store.get('conn:u0');
    expect(lookups).toHaveBeenCalledTimes(0);
    await store.get('conn:u1024');
    expect(lookups).toHaveBeenCalledTimes(1);
    // u0 went when u1024 came in; u1 is still kept.
    await store.get('conn:u1');
    expect(lookups).toHaveBeenCalledTimes(1);
    await store.get('conn:u0');
    expect(lookups).toHaveBeenCalledTimes(2);
  });
});

describe('the user hashes kept', () => {
  it('are at most 4,096: the 4,097th user lets the first go', () => {
    const keys = keyring();
    const records = new StoreRecords(keys);
    records.userHash('first');
    for (let i = 1; i < 4096; i++) records.userHash(`user-${i}`);
    const hmac = vi.spyOn(keys, 'hmac');
    records.userHash('first');
    expect(hmac).toHaveBeenCalledTimes(0);
    records.userHash('one more');
    expect(hmac).toHaveBeenCalledTimes(1);
    records.userHash('first');
    expect(hmac).toHaveBeenCalledTimes(2);
  });
});
