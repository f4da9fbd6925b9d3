import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** SHA-256 of a string, base64url: what the store keeps of a secret the browser holds (cookie, state). */
export const sha256 = (s: string): string => createHash('sha256').update(s).digest('base64url');

/** 256 random bits, base64url: link ids, CSRF tokens, nonces, cookie values, PKCE verifiers. */
export const randomToken = (): string => randomBytes(32).toString('base64url');

/** Compares two secrets in constant time (for equal lengths). */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
