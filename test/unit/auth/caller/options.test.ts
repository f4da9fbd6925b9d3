import { exportJWK, exportPKCS8, exportSPKI, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { type CallerAuthOptions, createCallerVerifier } from '../../../../src/auth/caller/index.js';

const base: CallerAuthOptions = {
  issuer: 'https://idp.example.com/',
  audience: 'https://mcp.example.com/mcp',
  jwksUrl: 'https://idp.example.com/jwks.json',
  algorithms: ['RS256'],
};

describe('caller auth configuration', () => {
  it.each([
    ['HS256', /HS256 is refused: a shared HMAC secret/],
    ['HS512', /HS512 is refused/],
    ['none', /alg none is refused/],
    ['RSA-OAEP', /unsupported algorithm RSA-OAEP/],
  ])('refuses algorithm %s', (alg, message) => {
    expect(() => createCallerVerifier({ ...base, algorithms: ['RS256', alg] })).toThrow(message);
  });

  it('needs at least one algorithm', () => {
    expect(() => createCallerVerifier({ ...base, algorithms: [] })).toThrow(/at least one algorithm/);
  });

  it('needs exactly one key source', () => {
    const { jwksUrl: _, ...noKeys } = base;
    expect(() => createCallerVerifier(noKeys)).toThrow(/exactly one of jwksUrl, publicKey or jwks/);
    expect(() => createCallerVerifier({ ...base, jwks: { keys: [] } })).toThrow(/exactly one/);
  });

  it('fetches keys over https only, except from localhost', () => {
    expect(() => createCallerVerifier({ ...base, jwksUrl: 'http://idp.example.com/jwks.json' })).toThrow(
      /https/,
    );
    expect(() => createCallerVerifier({ ...base, jwksUrl: 'not a url' })).toThrow(/not a URL/);
    expect(() =>
      createCallerVerifier({ ...base, jwksUrl: 'http://127.0.0.1:9/idp/jwks.json' }),
    ).not.toThrow();
    expect(() => createCallerVerifier({ ...base, jwksUrl: 'http://localhost:9/jwks.json' })).not.toThrow();
  });

  it('needs issuer and audience, and a sane clock tolerance and scopes', () => {
    expect(() => createCallerVerifier({ ...base, issuer: '' })).toThrow(/issuer is required/);
    expect(() => createCallerVerifier({ ...base, audience: '' })).toThrow(/audience is required/);
    expect(() => createCallerVerifier({ ...base, clockToleranceSeconds: -1 })).toThrow(/clockTolerance/);
    expect(() => createCallerVerifier({ ...base, clockToleranceSeconds: 3600 })).toThrow(/clockTolerance/);
    expect(() => createCallerVerifier({ ...base, requiredScopes: ['a b'] })).toThrow(/scope tokens/);
    expect(() => createCallerVerifier({ ...base, requiredScopes: ['a"'] })).toThrow(/scope tokens/);
  });

  it('refuses private key material given as the public key', async () => {
    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    const noUrl = { ...base, jwksUrl: undefined };
    const pkcs8 = await exportPKCS8(privateKey);
    const privateJwk = JSON.stringify(await exportJWK(privateKey));
    expect(() => createCallerVerifier({ ...noUrl, publicKey: 'x' })).toThrow(/PEM .* or JWK JSON/);
    expect(() => createCallerVerifier({ ...noUrl, publicKey: '{' })).toThrow(/not a JWK/);
    expect(() => createCallerVerifier({ ...noUrl, publicKey: pkcs8 })).toThrow(/private key/);
    expect(() => createCallerVerifier({ ...noUrl, publicKey: privateJwk })).toThrow(/private or secret/);
    expect(() =>
      createCallerVerifier({ ...noUrl, publicKey: JSON.stringify({ kty: 'oct', k: 'c2VjcmV0' }) }),
    ).toThrow(/private or secret/);
  });

  it('refuses a public key that none of the algorithms can use', async () => {
    const { publicKey } = await generateKeyPair('ES256', { extractable: true });
    const pem = await exportSPKI(publicKey);
    expect(() => createCallerVerifier({ ...base, jwksUrl: undefined, publicKey: pem })).toThrow(
      /cannot verify any of RS256/,
    );
  });

  it('refuses a local key set that is not one', () => {
    expect(() =>
      createCallerVerifier({ ...base, jwksUrl: undefined, jwks: { nope: [] } as unknown as { keys: [] } }),
    ).toThrow(/not a JSON Web Key Set/);
  });
});
