import { createHash } from 'node:crypto';
import type { CallerVerifier, VerifiedCaller } from './verify.js';

export interface VerifiedTokenCacheOptions {
  /** Most tokens remembered; the least recently used goes first. 0 turns the cache off. */
  maxEntries: number;
  /** The clock, in epoch milliseconds (tests). */
  now?: () => number;
}

/**
 * A verifier that remembers the tokens it verified, so a caller's every request does not pay a signature check
 * (an RSA verify is most of what authenticating costs). What it keeps and for how long:
 * - keyed by the SHA-256 of the token, never the token itself; only verified tokens, never a failure (a bad token
 *   is checked again each time, so nothing a caller sends can make a later good token fail);
 * - at most `maxEntries` tokens, the least recently used evicted first;
 * - never past the token's own `exp` (without the clock leeway the first check allowed): at expiry it is checked
 *   afresh, and fails.
 * Revocation: these are self-contained JWTs, checked without asking the issuer, so a revoked token was accepted
 * until its `exp` before this cache too; what changes is a signing key the issuer withdraws, which no longer ends
 * tokens already seen before their `exp`. Identical tokens arriving together are verified once.
 */
export function cachingVerifier(inner: CallerVerifier, options: VerifiedTokenCacheOptions): CallerVerifier {
  const { maxEntries } = options;
  if (maxEntries <= 0) return inner;
  const now = options.now ?? Date.now;
  const verified = new Map<string, VerifiedCaller>();
  const inFlight = new Map<string, Promise<VerifiedCaller>>();

  function remember(key: string, caller: VerifiedCaller): void {
    // Shared by every request with this token from now on: nobody may change it.
    Object.freeze(caller.scopes);
    Object.freeze(caller.claims);
    verified.set(key, Object.freeze(caller));
    if (verified.size > maxEntries) verified.delete(verified.keys().next().value as string);
  }

  return {
    verify(token) {
      // Malformed input is the inner verifier's to refuse, with its own words.
      if (typeof token !== 'string' || token.length === 0) return inner.verify(token);
      const key = createHash('sha256').update(token).digest('base64url');
      const known = verified.get(key);
      if (known) {
        verified.delete(key);
        if (now() < known.expiresAt * 1000) {
          verified.set(key, known);
          return Promise.resolve(known);
        }
      }
      let pending = inFlight.get(key);
      if (!pending) {
        pending = inner.verify(token).then(
          (caller) => {
            inFlight.delete(key);
            if (now() < caller.expiresAt * 1000) remember(key, caller);
            return caller;
          },
          (error: unknown) => {
            inFlight.delete(key);
            throw error;
          },
        );
        inFlight.set(key, pending);
      }
      return pending;
    },
  };
}
