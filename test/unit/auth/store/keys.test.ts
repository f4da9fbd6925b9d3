import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { EncryptionKeyError } from '../../../../src/auth/store/encryption-key-error.js';
import {
  EncryptionKeyring,
  generateEncryptionKey,
  parseEncryptionKeys,
} from '../../../../src/auth/store/keys.js';
import { userKeyHash } from '../../../../src/auth/store/user-key.js';

const key32 = Buffer.alloc(32, 7).toString('base64');
const secretLooking = Buffer.from('this-is-sixteen!').toString('base64'); // 16 bytes: wrong length

describe('parseEncryptionKeys', () => {
  it('uses the first key for writing and keeps every key for reading', () => {
    const other = Buffer.alloc(32, 9).toString('base64url');
    const keys = parseEncryptionKeys(`new:${key32}, old:${other}`);
    expect(keys.currentId).toBe('new');
    expect(keys.ids).toEqual(['new', 'old']);
    expect(keys.key('old')).toEqual(Buffer.alloc(32, 9));
  });

  it('reads entries with spaces around their parts, and keys in either base64 alphabet', () => {
    const urlSafe = Buffer.alloc(32, 0xfb).toString('base64url'); // has - and _
    const standard = Buffer.alloc(32, 0xfb).toString('base64'); // has + and /
    const keys = parseEncryptionKeys(` a : ${urlSafe} ,b:${standard}`);
    expect(keys.ids).toEqual(['a', 'b']);
    expect(keys.key('a')).toEqual(Buffer.alloc(32, 0xfb));
    expect(keys.key('b')).toEqual(Buffer.alloc(32, 0xfb));
    const onlyDash = Buffer.from([...Buffer.alloc(30, 0), 0xfb, 0xe0]).toString('base64url');
    expect(onlyDash).toContain('-');
    expect(parseEncryptionKeys(`c:${onlyDash}`).key('c')).toEqual(
      Buffer.from([...Buffer.alloc(30, 0), 0xfb, 0xe0]),
    );
  });

  it('accepts what generateEncryptionKey produces', () => {
    const entry = generateEncryptionKey('k2026');
    expect(entry).toMatch(/^k2026:[A-Za-z0-9+/]{43}=$/);
    expect(parseEncryptionKeys(entry).currentId).toBe('k2026');
    expect(generateEncryptionKey()).not.toBe(generateEncryptionKey());
    // By default the id is the date: k and eight digits, so rotated keys sort by age.
    expect(generateEncryptionKey()).toMatch(/^k\d{8}:/);
    expect(() => generateEncryptionKey('bad id')).toThrow(
      new EncryptionKeyError('key id "bad id" must be 1-32 of A-Z a-z 0-9 _ -'),
    );
  });

  it.each([
    [
      '',
      /^CONFLUENCE_MCP_ENCRYPTION_KEYS is empty; expected "kid:base64key\[,kid:base64key...\]" with 32-byte keys$/,
    ],
    ['   ', /^CONFLUENCE_MCP_ENCRYPTION_KEYS is empty; expected/],
    [`k1:${key32},`, /entry 2 is empty/],
    [`k1:${key32},   `, /^CONFLUENCE_MCP_ENCRYPTION_KEYS entry 2 is empty; expected/],
    [`:${key32}`, /entry 1: key id must be 1-32 of A-Z a-z 0-9 _ -$/],
    [key32, /entry 1 has no "kid:" prefix/],
    [`bad id:${key32}`, /entry 1: key id must be/],
    [`k1:not base64!`, /entry 1 \(key "k1"\) is not base64/],
    [`k1:${secretLooking}`, /entry 1 \(key "k1"\) decodes to 16 bytes; each key must be 32 bytes/],
    [`k1:${key32},k1:${key32}`, /key id "k1" appears twice/],
  ])('rejects %j with a message naming the problem', (text, message) => {
    expect(() => parseEncryptionKeys(text)).toThrow(EncryptionKeyError);
    expect(() => parseEncryptionKeys(text)).toThrow(message);
  });

  it('never echoes key material in its errors', () => {
    for (const text of [`k1:${secretLooking}`, `k1:${key32}x!`, `k1:${key32},k1:${key32}`]) {
      const error = (() => {
        try {
          parseEncryptionKeys(text);
        } catch (caught) {
          return caught as Error;
        }
        throw new Error('expected a throw');
      })();
      expect(error.message).not.toContain(secretLooking);
      expect(error.message).not.toContain(key32);
    }
  });

  it('names the variable the keys came from', () => {
    expect(() => parseEncryptionKeys(undefined, 'MY_KEYS')).toThrow(/^MY_KEYS is empty/);
    expect(() => parseEncryptionKeys(undefined)).toThrow(/^CONFLUENCE_MCP_ENCRYPTION_KEYS is empty/);
  });

  it('is named EncryptionKeyError', () => {
    expect(new EncryptionKeyError('x').name).toBe('EncryptionKeyError');
  });

  it('shows only key ids when logged or serialised', () => {
    const keys = parseEncryptionKeys(`k1:${key32}`);
    expect(inspect(keys)).toBe('EncryptionKeyring { ids: ["k1"] }');
    expect(JSON.stringify({ keys })).toBe('{"keys":{"ids":["k1"]}}');
    expect(inspect(keys)).not.toContain(key32);
    expect(inspect({ nested: keys }, { depth: 5, showHidden: true })).not.toContain('7, 7, 7');
  });
});

describe('EncryptionKeyring', () => {
  it.each([
    [[], 'no encryption keys given'],
    [[{ id: 'bad id', key: Buffer.alloc(32) }], 'key id "bad id" must be 1-32 of A-Z a-z 0-9 _ -'],
    [[{ id: 'k1', key: Buffer.alloc(16) }], 'key "k1" is 16 bytes; each key must be 32 bytes'],
  ])('refuses %j, built directly', (entries, message) => {
    expect(() => new EncryptionKeyring(entries)).toThrow(new EncryptionKeyError(message));
  });
});

describe('userKeyHash', () => {
  const userKey = 'https://issuer.example|user-42@example.com';
  const keys = parseEncryptionKeys(`k1:${key32}`);

  it('is stable, base64url and does not contain the user key', () => {
    const hash = userKeyHash(userKey, keys);
    expect(hash).toBe(userKeyHash(userKey, keys));
    expect(hash).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(hash).not.toContain('user-42');
    expect(userKeyHash('someone-else', keys)).not.toBe(hash);
  });

  it('depends on the key material, so names cannot be recomputed without it', () => {
    const otherKeys = parseEncryptionKeys(`k1:${Buffer.alloc(32, 8).toString('base64')}`);
    expect(userKeyHash(userKey, otherKeys)).not.toBe(userKeyHash(userKey, keys));
    expect(userKeyHash(userKey)).not.toBe(userKeyHash(userKey, keys));
    expect(userKeyHash(userKey, Buffer.alloc(16, 1))).not.toBe(userKeyHash(userKey, Buffer.alloc(16, 2)));
  });

  it('stays the same when a new key is put in front (rotation does not move records)', () => {
    const rotated = new EncryptionKeyring([
      { id: 'k2', key: Buffer.alloc(32, 1) },
      { id: 'k1', key: Buffer.alloc(32, 7) },
    ]);
    expect(userKeyHash(userKey, rotated)).toBe(userKeyHash(userKey, keys));
  });

  it('refuses an empty user key and a short secret', () => {
    expect(() => userKeyHash('', keys)).toThrow(TypeError);
    expect(() => userKeyHash(userKey, Buffer.alloc(8))).toThrow(/at least 16 bytes/);
  });
});
