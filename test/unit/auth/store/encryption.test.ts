import { describe, expect, it } from 'vitest';
import { seal, unseal } from '../../../../src/auth/store/cipher.js';
import { EncryptionKeyring } from '../../../../src/auth/store/keys.js';
import { createMemoryBackend } from '../../../../src/auth/store/memory-backend.js';
import { createSecretStore } from '../../../../src/auth/store/secret-store.js';
import type { CorruptValueEvent } from '../../../../src/auth/store/types.js';

const oldKeys = new EncryptionKeyring([{ id: 'old', key: Buffer.alloc(32, 1) }]);
const rotatedKeys = new EncryptionKeyring([
  { id: 'new', key: Buffer.alloc(32, 2) },
  { id: 'old', key: Buffer.alloc(32, 1) },
]);
const connection = {
  accessToken: 'at-FAKE-123',
  refreshToken: 'rt-FAKE-SECRET-456',
  expiresAt: 1_900_000_000,
};

function storeOver(keys: EncryptionKeyring, backend = createMemoryBackend()) {
  const corrupt: CorruptValueEvent[] = [];
  const store = createSecretStore(backend, { keys, onCorrupt: (event) => corrupt.push(event) });
  return { store, backend, corrupt };
}

/** Flips one bit of the base64url part at `index` of a sealed envelope. */
function flip(envelope: string, index: number): string {
  const parts = envelope.split('.');
  const bytes = Buffer.from(parts[index] ?? '', 'base64url');
  bytes[0] = (bytes[0] ?? 0) ^ 1;
  parts[index] = bytes.toString('base64url');
  return parts.join('.');
}

describe('encryption at rest', () => {
  it('round-trips a value and stores only ciphertext naming its key id', async () => {
    const { store, backend } = storeOver(oldKeys);
    await store.set('conn:abc', connection);
    expect(await store.get('conn:abc')).toEqual(connection);
    const stored = await backend.get('cmcp:kv:conn:abc');
    expect(stored).toMatch(/^v1\.old\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(stored).not.toContain('FAKE');
  });

  it('uses a fresh IV for every write', () => {
    const a = seal(oldKeys, 'k', Buffer.from('same'));
    const b = seal(oldKeys, 'k', Buffer.from('same'));
    expect(a).not.toBe(b);
    expect(unseal(oldKeys, 'k', a)).toEqual({ ok: true, plaintext: Buffer.from('same') });
  });

  it.each([
    ['the IV', 2],
    ['the ciphertext', 3],
    ['the tag', 4],
  ])('treats a value with a tampered %s as absent and reports it', async (_part, index) => {
    const { store, backend, corrupt } = storeOver(oldKeys);
    await store.set('conn:abc', connection);
    await backend.set('cmcp:kv:conn:abc', flip((await backend.get('cmcp:kv:conn:abc')) ?? '', index));
    expect(await store.get('conn:abc')).toBeUndefined();
    expect(corrupt).toEqual([{ key: 'conn:abc', reason: 'authentication-failed' }]);
  });

  it('does not decrypt a value copied under another key (the key is the AAD)', async () => {
    const { store, backend, corrupt } = storeOver(oldKeys);
    await store.set('conn:alice', connection);
    await backend.set('cmcp:kv:conn:mallory', (await backend.get('cmcp:kv:conn:alice')) ?? '');
    expect(await store.get('conn:mallory')).toBeUndefined();
    expect(corrupt).toEqual([{ key: 'conn:mallory', reason: 'authentication-failed' }]);
    expect(await store.get('conn:alice')).toEqual(connection);
  });

  it('does not decrypt a value from another namespace', async () => {
    const backend = createMemoryBackend();
    const a = createSecretStore(backend, { keys: oldKeys, namespace: 'a' });
    const corrupt: CorruptValueEvent[] = [];
    const b = createSecretStore(backend, {
      keys: oldKeys,
      namespace: 'b',
      onCorrupt: (e) => corrupt.push(e),
    });
    await a.set('conn:x', connection);
    await backend.set('b:kv:conn:x', (await backend.get('a:kv:conn:x')) ?? '');
    expect(await b.get('conn:x')).toBeUndefined();
    expect(corrupt).toHaveLength(1);
  });

  it('treats a value written with an unknown key id as absent and reports it', async () => {
    const backend = createMemoryBackend();
    await storeOver(rotatedKeys, backend).store.set('conn:abc', connection);
    const { store, corrupt } = storeOver(oldKeys, backend);
    expect(await store.get('conn:abc')).toBeUndefined();
    expect(corrupt).toEqual([{ key: 'conn:abc', reason: 'unknown-key-id' }]);
  });

  it('treats garbage as absent and reports it as malformed', async () => {
    const { store, backend, corrupt } = storeOver(oldKeys);
    await backend.set('cmcp:kv:conn:abc', 'not an envelope');
    expect(await store.take('conn:abc')).toBeUndefined();
    expect(corrupt).toEqual([{ key: 'conn:abc', reason: 'malformed' }]);
  });

  it('reads values written with the old key after rotation, and writes new ones with the new key', async () => {
    const backend = createMemoryBackend();
    await storeOver(oldKeys, backend).store.set('conn:old', connection);
    const { store, corrupt } = storeOver(rotatedKeys, backend);
    expect(await store.get('conn:old')).toEqual(connection);
    await store.set('conn:new', connection);
    expect(await backend.get('cmcp:kv:conn:new')).toMatch(/^v1\.new\./);
    // Re-writing an old value moves it to the new key.
    await store.set('conn:old', await store.get('conn:old'));
    expect(await backend.get('cmcp:kv:conn:old')).toMatch(/^v1\.new\./);
    expect(corrupt).toEqual([]);
  });

  it('never lets the plaintext or the key into what onCorrupt receives', async () => {
    const { store, backend, corrupt } = storeOver(oldKeys);
    await store.set('conn:abc', connection);
    await backend.set('cmcp:kv:conn:abc', flip((await backend.get('cmcp:kv:conn:abc')) ?? '', 3));
    await store.get('conn:abc');
    expect(JSON.stringify(corrupt)).not.toMatch(/FAKE|AQEBAQ/);
  });
});
