import { type CryptoKey, exportJWK, exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createCallerVerifier, SUPPORTED_ALGORITHMS } from '../../../../src/auth/caller/index.js';

// Every signing algorithm a configured public key may be used with: a key of the right type (and curve) verifies a
// token signed with it, configured as PEM or as JWK; a key of another type is refused when the server starts.

const ISSUER = 'https://idp.example.com/';
const AUDIENCE = 'https://mcp.example.com/mcp';
const ALGORITHMS = SUPPORTED_ALGORITHMS;

async function signed(alg: string, key: CryptoKey) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iss: ISSUER, aud: AUDIENCE, sub: `user-${alg}`, iat: now, exp: now + 600 })
    .setProtectedHeader({ alg })
    .sign(key);
}

const withKey = (publicKey: string, algorithms: string[]) =>
  createCallerVerifier({ issuer: ISSUER, audience: AUDIENCE, algorithms, publicKey });

describe('a configured public key, for each accepted algorithm', () => {
  it.each(ALGORITHMS)('verifies a token signed with %s, from PEM and from JWK', async (alg) => {
    const pair = await generateKeyPair(alg, { extractable: true });
    const token = await signed(alg, pair.privateKey);
    const pem = await exportSPKI(pair.publicKey);
    const jwk = JSON.stringify(await exportJWK(pair.publicKey));
    for (const publicKey of [pem, jwk]) {
      await expect(withKey(publicKey, [alg]).verify(token)).resolves.toMatchObject({
        subject: `user-${alg}`,
      });
    }
  });

  it('refuses, when the server starts, a key whose type or curve cannot verify the algorithms', async () => {
    const keys = {
      RSA: await generateKeyPair('RS256', { extractable: true }),
      'EC P-256': await generateKeyPair('ES256', { extractable: true }),
      'EC P-384': await generateKeyPair('ES384', { extractable: true }),
      'EC P-521': await generateKeyPair('ES512', { extractable: true }),
      'OKP Ed25519': await generateKeyPair('EdDSA', { extractable: true }),
    };
    const fitting: Record<string, readonly string[]> = {
      RSA: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'],
      'EC P-256': ['ES256'],
      'EC P-384': ['ES384'],
      'EC P-521': ['ES512'],
      'OKP Ed25519': ['EdDSA', 'Ed25519'],
    };
    for (const [shape, pair] of Object.entries(keys)) {
      const pem = await exportSPKI(pair.publicKey);
      for (const alg of ALGORITHMS) {
        if (fitting[shape]?.includes(alg)) expect(() => withKey(pem, [alg])).not.toThrow();
        else
          expect(() => withKey(pem, [alg]), `${shape} for ${alg}`).toThrow(
            `publicKey (${shape}) cannot verify any of ${alg}`,
          );
      }
    }
  });

  it('refuses a token signed with an algorithm of the key type that was not configured', async () => {
    const pair = await generateKeyPair('PS256', { extractable: true });
    const verifier = withKey(await exportSPKI(pair.publicKey), ['RS256']);
    await expect(verifier.verify(await signed('PS256', pair.privateKey))).rejects.toThrow();
  });
});
