import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { EncryptionKeyring } from './keys.js';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Why a stored value could not be read: the caller treats all three as absent. */
export type CorruptReason = 'unknown-key-id' | 'authentication-failed' | 'malformed';

export type Unsealed = { ok: true; plaintext: Buffer } | { ok: false; reason: CorruptReason };

/**
 * Encrypts with AES-256-GCM under the keyring's write key, a random 96-bit IV and `aad` (the record's full key)
 * as additional data. The result, `v1.<kid>.<iv>.<ciphertext>.<tag>` in base64url, names its key for rotation.
 */
export function seal(keys: EncryptionKeyring, aad: string, plaintext: Uint8Array): string {
  const kid = keys.currentId;
  const key = keys.key(kid);
  if (!key) throw new Error('keyring has no write key');
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [
    VERSION,
    kid,
    iv.toString('base64url'),
    ciphertext.toString('base64url'),
    tag.toString('base64url'),
  ].join('.');
}

/** Decrypts what seal wrote under the same `aad`; any mismatch is a reason, never an exception. */
export function unseal(keys: EncryptionKeyring, aad: string, envelope: string): Unsealed {
  const parts = envelope.split('.');
  if (parts.length !== 5 || parts[0] !== VERSION) return { ok: false, reason: 'malformed' };
  const [, kid = '', ivText = '', ciphertextText = '', tagText = ''] = parts;
  const key = keys.key(kid);
  if (!key) return { ok: false, reason: 'unknown-key-id' };
  const iv = Buffer.from(ivText, 'base64url');
  const tag = Buffer.from(tagText, 'base64url');
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) return { ok: false, reason: 'malformed' };
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(tag);
    const plaintext = Buffer.concat([
      decipher.update(Buffer.from(ciphertextText, 'base64url')),
      decipher.final(),
    ]);
    return { ok: true, plaintext };
  } catch {
    return { ok: false, reason: 'authentication-failed' };
  }
}
