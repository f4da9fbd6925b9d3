import { createPublicKey } from 'node:crypto';
import {
  type CryptoKey,
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  importJWK,
  type JWK,
  type JWTVerifyGetKey,
} from 'jose';
import { CallerKeysUnavailableError } from './errors.js';
import type { KeySourceOptions } from './options.js';

// The key type (and curve) each accepted algorithm needs; anything else is a key that cannot verify it.
const KEY_SHAPES: Record<string, { kty: string; crv?: string }> = {
  RS256: { kty: 'RSA' },
  RS384: { kty: 'RSA' },
  RS512: { kty: 'RSA' },
  PS256: { kty: 'RSA' },
  PS384: { kty: 'RSA' },
  PS512: { kty: 'RSA' },
  ES256: { kty: 'EC', crv: 'P-256' },
  ES384: { kty: 'EC', crv: 'P-384' },
  ES512: { kty: 'EC', crv: 'P-521' },
  EdDSA: { kty: 'OKP', crv: 'Ed25519' },
  Ed25519: { kty: 'OKP', crv: 'Ed25519' },
};

const PUBLIC_MEMBERS: Record<string, readonly string[]> = {
  RSA: ['n', 'e'],
  EC: ['crv', 'x', 'y'],
  OKP: ['crv', 'x'],
};

function fail(message: string): never {
  throw new Error(`caller auth: ${message}`);
}

/** Whether `jwk` can verify a signature made with `alg`. */
function fits(jwk: JWK, alg: unknown): alg is string {
  const shape = typeof alg === 'string' ? KEY_SHAPES[alg] : undefined;
  if (!shape || jwk.kty !== shape.kty || (shape.crv !== undefined && jwk.crv !== shape.crv)) return false;
  return (jwk.alg === undefined || jwk.alg === alg) && (jwk.use === undefined || jwk.use === 'sig');
}

/** Reads a PEM or JWK JSON public key into a JWK holding public members only. */
function parsePublicKey(text: string): JWK {
  const trimmed = text.trim();
  let parsed: unknown;
  if (trimmed.startsWith('{')) {
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      fail('publicKey is JSON but not a JWK');
    }
  } else if (trimmed.startsWith('-----BEGIN ')) {
    // createPublicKey would happily derive the public half of a private key; a private key in config is a leak.
    if (/PRIVATE KEY-----/.test(trimmed))
      fail('publicKey holds a private key; configure the public key only');
    try {
      parsed = createPublicKey(trimmed).export({ format: 'jwk' });
    } catch {
      fail('publicKey is not a readable PEM public key');
    }
  } else {
    fail('publicKey must be PEM (-----BEGIN PUBLIC KEY-----) or JWK JSON');
  }
  // An object either way: JSON text that starts with "{" parses to one, and so does the PEM export.
  const jwk = parsed as JWK;
  if ('d' in jwk || 'k' in jwk)
    fail('publicKey holds private or secret key material; configure the public key only');
  const members = typeof jwk.kty === 'string' ? PUBLIC_MEMBERS[jwk.kty] : undefined;
  if (!members) fail('publicKey must be an RSA, EC or OKP key');
  const source = jwk as Record<string, unknown>;
  const out: Record<string, string> = { kty: jwk.kty as string };
  // No kid: one configured key is used whatever kid a token names.
  for (const name of [...members, 'alg', 'use']) {
    const value = source[name];
    if (typeof value === 'string') out[name] = value;
  }
  return out as JWK;
}

/** One configured key: ignores `kid` (there is nothing to choose between) but insists the key fits `alg`. */
function singleKey(text: string, algorithms: readonly string[]): JWTVerifyGetKey {
  const jwk = parsePublicKey(text);
  if (!algorithms.some((alg) => fits(jwk, alg))) {
    fail(
      `publicKey (${jwk.kty}${jwk.crv ? ` ${jwk.crv}` : ''}) cannot verify any of ${algorithms.join(', ')}`,
    );
  }
  const imported = new Map<string, Promise<CryptoKey>>();
  return async (header) => {
    if (!fits(jwk, header.alg)) throw new errors.JWKSNoMatchingKey();
    let key = imported.get(header.alg);
    if (!key) {
      key = importJWK(jwk, header.alg) as Promise<CryptoKey>;
      imported.set(header.alg, key);
    }
    return key;
  };
}

function remoteKeys(url: URL): JWTVerifyGetKey {
  // jose's defaults: 5 s timeout, keys cached 10 min, refetched on an unknown kid at most every 30 s.
  const jwks = createRemoteJWKSet(url);
  return async (header, token) => {
    try {
      return await jwks(header, token);
    } catch (error) {
      // These say the token names a key the issuer does not have; anything else is the fetch failing.
      if (
        error instanceof errors.JWKSNoMatchingKey ||
        error instanceof errors.JWKSMultipleMatchingKeys ||
        error instanceof errors.JOSENotSupported
      ) {
        throw error;
      }
      throw new CallerKeysUnavailableError('the issuer signing keys could not be fetched', { cause: error });
    }
  };
}

/** The key lookup for a validated key source. Throws an Error when a local key or set is unusable. */
export function keyResolver(source: KeySourceOptions, algorithms: readonly string[]): JWTVerifyGetKey {
  switch (source.kind) {
    case 'remote':
      return remoteKeys(source.url);
    case 'public-key':
      return singleKey(source.publicKey, algorithms);
    case 'local':
      try {
        return createLocalJWKSet(source.jwks);
      } catch {
        return fail('jwks is not a JSON Web Key Set');
      }
  }
}
