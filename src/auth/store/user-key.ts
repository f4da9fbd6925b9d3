import { createHash, createHmac } from 'node:crypto';
import { EncryptionKeyring } from './keys.js';

/**
 * A stable, non-reversible key component for a user key (issuer + subject), base64url: HMAC-SHA256 under a key
 * derived from the keyring (or under `secret` bytes), so store key names do not reveal who the users are. Without a
 * secret it is a bare SHA-256, which anyone who knows a user key can recompute: for tests only.
 */
export function userKeyHash(userKey: string, secret?: EncryptionKeyring | Uint8Array): string {
  if (userKey === '') throw new TypeError('userKeyHash needs a non-empty user key');
  if (secret instanceof EncryptionKeyring) return secret.hmac(userKey).toString('base64url');
  if (secret) {
    if (secret.length < 16) throw new TypeError('userKeyHash needs a secret of at least 16 bytes');
    return createHmac('sha256', secret).update(userKey, 'utf8').digest('base64url');
  }
  return createHash('sha256').update(userKey, 'utf8').digest('base64url');
}
