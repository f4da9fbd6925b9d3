import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { EncryptionKeyError } from './encryption-key-error.js';

const KEY_BYTES = 32;
const KID = /^[A-Za-z0-9_-]{1,32}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]+={0,2}|[A-Za-z0-9_-]+)$/;
const HASH_INFO = 'confluence-mcp user key hash v1';

/**
 * The AES-256-GCM keys of a store: the first listed writes, every one reads. Key material lives in private fields,
 * so logging or serialising the keyring shows only the key ids.
 */
export class EncryptionKeyring {
  readonly #keys: ReadonlyMap<string, Buffer>;
  readonly #currentId: string;
  readonly #hashKey: Buffer;

  /** `entries` in priority order: the first is the write key. Use parseEncryptionKeys for text. */
  constructor(entries: ReadonlyArray<{ id: string; key: Uint8Array }>) {
    const first = entries[0];
    if (!first) throw new EncryptionKeyError('no encryption keys given');
    const keys = new Map<string, Buffer>();
    for (const { id, key } of entries) {
      if (!KID.test(id)) throw new EncryptionKeyError(`key id "${id}" must be 1-32 of A-Z a-z 0-9 _ -`);
      if (keys.has(id)) throw new EncryptionKeyError(`key id "${id}" appears twice`);
      if (key.length !== KEY_BYTES) {
        throw new EncryptionKeyError(
          `key "${id}" is ${key.length} bytes; each key must be ${KEY_BYTES} bytes`,
        );
      }
      keys.set(id, Buffer.from(key));
    }
    this.#keys = keys;
    this.#currentId = first.id;
    // Record names must not move when a key is added in front, so they derive from the oldest (last) key.
    const oldest = entries[entries.length - 1] ?? first;
    this.#hashKey = Buffer.from(hkdfSync('sha256', oldest.key, Buffer.alloc(0), HASH_INFO, 32));
  }

  /** Id of the key new values are written with. */
  get currentId(): string {
    return this.#currentId;
  }

  /** Every key id, write key first. */
  get ids(): string[] {
    return [...this.#keys.keys()];
  }

  /** The key with this id, or undefined when this keyring does not have it. */
  key(id: string): Buffer | undefined {
    return this.#keys.get(id);
  }

  /** HMAC-SHA256 of `data` under a key derived from the oldest key; stable while that key stays in the list. */
  hmac(data: string): Buffer {
    return createHmac('sha256', this.#hashKey).update(data, 'utf8').digest();
  }

  toJSON(): { ids: string[] } {
    return { ids: this.ids };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `EncryptionKeyring { ids: ${JSON.stringify(this.ids)} }`;
  }
}

/**
 * Parses `kid1:base64key,kid0:base64key` (the format of CONFLUENCE_MCP_ENCRYPTION_KEYS): 32-byte keys in standard
 * or URL-safe base64, the first used for writing. Throws EncryptionKeyError naming the entry and the problem.
 */
export function parseEncryptionKeys(
  text: string | undefined,
  source = 'CONFLUENCE_MCP_ENCRYPTION_KEYS',
): EncryptionKeyring {
  const help = `expected "kid:base64key[,kid:base64key...]" with 32-byte keys`;
  if (text === undefined || text.trim() === '') throw new EncryptionKeyError(`${source} is empty; ${help}`);
  const entries = text.split(',').map((part, index) => {
    const entry = part.trim();
    const where = `${source} entry ${index + 1}`;
    if (entry === '') throw new EncryptionKeyError(`${where} is empty; ${help}`);
    const colon = entry.indexOf(':');
    if (colon < 0) throw new EncryptionKeyError(`${where} has no "kid:" prefix; ${help}`);
    const id = entry.slice(0, colon).trim();
    const encoded = entry.slice(colon + 1).trim();
    if (!KID.test(id)) throw new EncryptionKeyError(`${where}: key id must be 1-32 of A-Z a-z 0-9 _ -`);
    if (!BASE64.test(encoded)) throw new EncryptionKeyError(`${where} (key "${id}") is not base64`);
    // Node's base64 decoder reads the URL-safe alphabet too, so one call takes either form.
    const key = Buffer.from(encoded, 'base64');
    if (key.length !== KEY_BYTES) {
      throw new EncryptionKeyError(
        `${where} (key "${id}") decodes to ${key.length} bytes; each key must be ${KEY_BYTES} bytes`,
      );
    }
    return { id, key };
  });
  return new EncryptionKeyring(entries);
}

/**
 * A fresh random entry for CONFLUENCE_MCP_ENCRYPTION_KEYS, `id:base64key`; put it first to rotate to it. For docs
 * and development: production keys belong in a secret manager.
 */
export function generateEncryptionKey(
  id = `k${new Date().toISOString().slice(0, 10).replaceAll('-', '')}`,
): string {
  if (!KID.test(id)) throw new EncryptionKeyError(`key id "${id}" must be 1-32 of A-Z a-z 0-9 _ -`);
  return `${id}:${randomBytes(KEY_BYTES).toString('base64')}`;
}
