import { base64url, exportJWK, exportSPKI, generateKeyPair, type JWK, SignJWT } from 'jose';
import { HttpResponse, http } from 'msw';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  CallerKeysUnavailableError,
  createCallerVerifier,
  InsufficientCallerScopeError,
  InvalidCallerTokenError,
  MAX_CALLER_TOKEN_LENGTH,
  protectedResourceMetadata,
  resourceMetadataPaths,
  wwwAuthenticate,
} from '../../../../src/auth/caller/index.js';
import { mockServer } from '../../../support/msw.js';

const ISSUER = 'https://idp.example.com/';
const AUDIENCE = 'https://mcp.example.com/mcp';

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;
let rsa: KeyPair;
let p384: KeyPair;
let rsaJwk: JWK;
let rsaPem: string;

beforeAll(async () => {
  [rsa, p384] = await Promise.all([
    generateKeyPair('RS256', { extractable: true }),
    generateKeyPair('ES384', { extractable: true }),
  ]);
  rsaJwk = await exportJWK(rsa.publicKey);
  rsaPem = await exportSPKI(rsa.publicKey);
});

const now = () => Math.floor(Date.now() / 1000);
function sign(
  claims: Record<string, unknown> = {},
  header: Record<string, unknown> = {},
  key = rsa.privateKey,
) {
  const body: Record<string, unknown> = {
    iss: ISSUER,
    aud: AUDIENCE,
    sub: 'u1',
    iat: now(),
    exp: now() + 600,
    ...claims,
  };
  for (const [k, v] of Object.entries(body)) if (v === undefined) delete body[k];
  return new SignJWT(body).setProtectedHeader({ alg: 'RS256', ...header } as { alg: string }).sign(key);
}
const withKey = (publicKey: string, algorithms = ['RS256']) =>
  createCallerVerifier({ issuer: ISSUER, audience: AUDIENCE, algorithms, publicKey });

describe('caller auth: a configured public key', () => {
  it('reads a PEM with whitespace around it', async () => {
    await expect(withKey(`\n  ${rsaPem}  \n`).verify(await sign())).resolves.toMatchObject({ subject: 'u1' });
  });

  it('refuses JSON that is not a JWK, a key of no known type, and text that is neither PEM nor JSON', () => {
    expect(() => withKey('{not json')).toThrow('caller auth: publicKey is JSON but not a JWK');
    expect(() => withKey('{"kty":"oct","x":"a"}')).toThrow(
      'caller auth: publicKey must be an RSA, EC or OKP key',
    );
    expect(() => withKey('{"kty":5}')).toThrow('caller auth: publicKey must be an RSA, EC or OKP key');
    expect(() => withKey('{"n":"a"}')).toThrow('caller auth: publicKey must be an RSA, EC or OKP key');
    expect(() => withKey('-----BEGIN PUBLIC KEY-----\nnonsense\n-----END PUBLIC KEY-----')).toThrow(
      'caller auth: publicKey is not a readable PEM public key',
    );
    expect(() => withKey('ssh-rsa AAAA')).toThrow('caller auth: publicKey must be PEM');
  });

  it('refuses a key that cannot verify any configured algorithm, naming its type and curve', () => {
    expect(() => withKey(JSON.stringify({ ...rsaJwk, alg: 'RS384' }))).toThrow(
      'caller auth: publicKey (RSA) cannot verify any of RS256',
    );
    expect(() => withKey(JSON.stringify({ ...rsaJwk, use: 'enc' }))).toThrow('cannot verify any of RS256');
    return exportJWK(p384.publicKey).then((jwk) => {
      expect(() => withKey(JSON.stringify(jwk), ['ES256', 'RS256'])).toThrow(
        'caller auth: publicKey (EC P-384) cannot verify any of ES256, RS256',
      );
    });
  });

  it('accepts a key marked for signatures with its algorithm, and ignores members that are not strings', async () => {
    const marked = withKey(JSON.stringify({ ...rsaJwk, alg: 'RS256', use: 'sig' }));
    await expect(marked.verify(await sign())).resolves.toMatchObject({ subject: 'u1' });
    const loose = withKey(JSON.stringify({ ...rsaJwk, alg: 5, use: true }));
    await expect(loose.verify(await sign())).resolves.toMatchObject({ subject: 'u1' });
  });

  it('refuses a token whose algorithm its key is not for, as an unknown key', async () => {
    const v = withKey(JSON.stringify({ ...rsaJwk, alg: 'RS256' }), ['RS256', 'RS384']);
    // The signature is never checked: no key is found for RS384, so the token is refused before that.
    const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const rs384 = `${part({ alg: 'RS384' })}.${part({ iss: ISSUER, aud: AUDIENCE, sub: 'u1', exp: now() + 60 })}.c2ln`;
    await expect(v.verify(rs384)).rejects.toThrow(new InvalidCallerTokenError('unknown signing key'));
  });
});

describe('caller auth: token checks', () => {
  const v = () => withKey(rsaPem);

  it('refuses a missing token and one over the length cap, and reads one exactly at the cap', async () => {
    await expect(v().verify('')).rejects.toThrow(new InvalidCallerTokenError('missing token'));
    await expect(v().verify(undefined as unknown as string)).rejects.toThrow('missing token');
    const atCap = `a.b.${'c'.repeat(MAX_CALLER_TOKEN_LENGTH - 4)}`;
    await expect(v().verify(atCap)).rejects.toThrow('malformed token');
  });

  it('refuses a token issued in the future beyond the clock tolerance, and accepts one within it', async () => {
    await expect(v().verify(await sign({ iat: now() + 120 }))).rejects.toThrow('token issued in the future');
    await expect(v().verify(await sign({ iat: now() + 10 }))).resolves.toMatchObject({ subject: 'u1' });
  });

  it('says why a not-before or issued-at claim is refused', async () => {
    await expect(v().verify(await sign({ nbf: now() + 600 }))).rejects.toThrow('token not yet valid');
    await expect(v().verify(await sign({ nbf: 'soon' }))).rejects.toThrow('invalid not-before');
    await expect(v().verify(await sign({ iat: 'then' }))).rejects.toThrow('invalid issued-at');
  });

  it('says a token without an audience names none, apart from one naming another server', async () => {
    await expect(v().verify(await sign({ aud: undefined }))).rejects.toThrow(
      new InvalidCallerTokenError('token has no audience'),
    );
  });

  it('refuses a token whose critical header names an extension it does not understand (RFC 7515 4.1.11)', async () => {
    // Signed by the real key: what makes it unacceptable is only the extension the issuer says must be understood.
    const header = base64url.encode(
      JSON.stringify({ alg: 'RS256', crit: ['x-bound-to'], 'x-bound-to': 'device-7' }),
    );
    const payload = base64url.encode(
      JSON.stringify({ iss: ISSUER, aud: AUDIENCE, sub: 'u1', iat: now(), exp: now() + 600 }),
    );
    const input = `${header}.${payload}`;
    const signature = await crypto.subtle.sign(
      'RSASSA-PKCS1-v1_5',
      rsa.privateKey,
      new TextEncoder().encode(input),
    );
    await expect(v().verify(`${input}.${base64url.encode(new Uint8Array(signature))}`)).rejects.toThrow(
      new InvalidCallerTokenError('token needs an unsupported algorithm or extension'),
    );
  });

  it('fails closed, keeping the cause, when verifying breaks in a way nobody foresaw (a key that cannot be imported)', async () => {
    const ec = await generateKeyPair('ES256', { extractable: true });
    // A P-256 key whose x is not on the curve: it reads as JSON, and WebCrypto refuses it only at first use.
    const broken = { ...(await exportJWK(ec.publicKey)), x: base64url.encode(new Uint8Array(32).fill(7)) };
    const verifier = withKey(JSON.stringify(broken), ['ES256']);
    const jwt = await sign({}, { alg: 'ES256' }, ec.privateKey);
    const error = await verifier.verify(jwt).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidCallerTokenError);
    expect(error).toMatchObject({ error: 'invalid_token', message: 'token could not be verified' });
    expect((error as Error).cause).toBeInstanceOf(Error);
  });

  describe('at the edge of the clock tolerance', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it('accepts a token issued exactly the tolerance ahead of our clock, and refuses one a second later', async () => {
      const at = 1_900_000_000;
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(at * 1000);
      await expect(v().verify(await sign({ iat: at + 30, exp: at + 600 }))).resolves.toMatchObject({
        subject: 'u1',
      });
      await expect(v().verify(await sign({ iat: at + 31, exp: at + 600 }))).rejects.toThrow(
        'token issued in the future',
      );
    });
  });

  it('refuses a token whose key set has several keys that fit and no key id', async () => {
    const jwk = { ...rsaJwk, alg: 'RS256' };
    const twice = createCallerVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['RS256'],
      jwks: {
        keys: [
          { ...jwk, kid: 'a' },
          { ...jwk, kid: 'b' },
        ],
      },
    });
    await expect(twice.verify(await sign())).rejects.toThrow('token names no key id and several keys fit');
  });

  it('reads scopes from scope or scp, dropping empty and repeated ones and anything not a string', async () => {
    expect((await v().verify(await sign({ scope: 'a  b a ' }))).scopes).toEqual(['a', 'b']);
    expect((await v().verify(await sign({ scp: ['a', '', 3, 'a', 'c'] }))).scopes).toEqual(['a', 'c']);
    expect((await v().verify(await sign({ scope: 7 }))).scopes).toEqual([]);
    // Entries that only look like strings (they have a length) are not scopes either.
    expect((await v().verify(await sign({ scp: ['a', ['admin'], { length: 5 }] }))).scopes).toEqual(['a']);
  });

  it('keeps only display claims that are non-empty strings, and the client from client_id, else azp', async () => {
    const caller = await v().verify(
      await sign({ name: '', email: 'e@x.example', preferred_username: 9, azp: 'az' }),
    );
    // Strictly: a claim the token lacks is absent, not present as undefined.
    expect(caller.claims).toStrictEqual({ email: 'e@x.example' });
    expect(caller.clientId).toBe('az');
    expect((await v().verify(await sign({ client_id: 'cid', azp: 'az' }))).clientId).toBe('cid');
    const none = await v().verify(await sign({ client_id: '' }));
    expect(none).not.toHaveProperty('clientId');
    expect(await v().verify(await sign({ sub: 'u9' }))).toEqual({
      userKey: JSON.stringify([ISSUER, 'u9']),
      issuer: ISSUER,
      subject: 'u9',
      expiresAt: expect.any(Number),
      scopes: [],
      claims: {},
      emailVerified: false,
    });
  });

  it('refuses a token whose subject is empty', async () => {
    await expect(v().verify(await sign({ sub: '' }))).rejects.toThrow('token has no subject');
  });

  it('names its errors, and says which scopes a caller lacks', () => {
    expect(new InvalidCallerTokenError('x')).toMatchObject({
      name: 'InvalidCallerTokenError',
      error: 'invalid_token',
    });
    const scope = new InsufficientCallerScopeError(['a', 'b']);
    expect(scope).toMatchObject({
      name: 'InsufficientCallerScopeError',
      error: 'insufficient_scope',
      message: 'insufficient scope',
      requiredScopes: ['a', 'b'],
    });
    expect(new CallerKeysUnavailableError('x').name).toBe('CallerKeysUnavailableError');
  });

  it('says the issuer’s keys could not be fetched, keeping why', async () => {
    const url = 'https://idp.example.com/jwks';
    mockServer.use(http.get(url, () => new HttpResponse(null, { status: 500 })));
    const error = await createCallerVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['RS256'],
      jwksUrl: url,
    })
      .verify(await sign({}, { kid: 'k' }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CallerKeysUnavailableError);
    expect(error).toMatchObject({ message: 'the issuer signing keys could not be fetched' });
    expect((error as Error).cause).toBeInstanceOf(Error);
  });
});

describe('caller auth: options', () => {
  const base = { issuer: ISSUER, audience: AUDIENCE, algorithms: ['RS256'], jwks: { keys: [] } };

  it.each([
    [{ issuer: '' }, 'caller auth: issuer is required'],
    [{ issuer: 5 }, 'caller auth: issuer is required'],
    [{ audience: '' }, 'caller auth: audience is required'],
    [{ audience: null }, 'caller auth: audience is required'],
    [{ audience: ['https://mcp.example.com/mcp'] }, 'caller auth: audience is required'],
    [{ algorithms: [''] }, 'caller auth: algorithms must be non-empty strings'],
    [{ algorithms: [7] }, 'caller auth: algorithms must be non-empty strings'],
    [
      { algorithms: ['XHS256'] },
      'caller auth: unsupported algorithm XHS256; use some of RS256, RS384, RS512, ',
    ],
    [{ algorithms: ['HS256X'] }, 'caller auth: unsupported algorithm HS256X'],
    [{ algorithms: ['hs512'] }, 'caller auth: hs512 is refused'],
    [{ clockToleranceSeconds: -1 }, 'caller auth: clockToleranceSeconds must be between 0 and'],
    [{ clockToleranceSeconds: Number.NaN }, 'clockToleranceSeconds must be between 0 and'],
    [{ requiredScopes: ['ok', 'has space'] }, 'caller auth: requiredScopes must be scope tokens'],
    [{ requiredScopes: [3] }, 'caller auth: requiredScopes must be scope tokens'],
    [{ jwks: undefined, publicKey: '   ' }, 'caller auth: publicKey is empty'],
    [{ jwks: undefined, jwksUrl: 'ftp://idp.example.com/keys' }, 'caller auth: jwksUrl must use https'],
    [{ jwks: undefined, jwksUrl: 'http://idp.example.com/keys' }, 'caller auth: jwksUrl must use https'],
    // Loopback is an exception for plain http only, not for any other scheme.
    [{ jwks: undefined, jwksUrl: 'ftp://localhost/keys' }, 'caller auth: jwksUrl must use https'],
    [{ jwks: undefined, jwksUrl: 'file://localhost/etc/keys.json' }, 'caller auth: jwksUrl must use https'],
  ])('refuses %j', (over, message) => {
    expect(() => createCallerVerifier({ ...base, ...(over as object) })).toThrow(message);
  });

  it('accepts the widest clock tolerance, plain http from a loopback issuer, and scope tokens', () => {
    const tolerant = () => createCallerVerifier({ ...base, clockToleranceSeconds: 300 });
    expect(tolerant).not.toThrow();
    expect(() => createCallerVerifier({ ...base, clockToleranceSeconds: 301 })).toThrow('between 0 and 300');
    for (const jwksUrl of ['http://localhost:8080/keys', 'http://127.0.0.1/keys', 'http://[::1]:9/keys']) {
      expect(() => createCallerVerifier({ ...base, jwks: undefined, jwksUrl }), jwksUrl).not.toThrow();
    }
    expect(() => createCallerVerifier({ ...base, requiredScopes: ['confluence:read', 'a/b'] })).not.toThrow();
  });
});

describe('WWW-Authenticate and resource metadata', () => {
  const metadataUrl = 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp';

  it('folds runs of line breaks and spaces in a description to one space', () => {
    expect(
      wwwAuthenticate({
        resourceMetadataUrl: metadataUrl,
        error: 'invalid_token',
        description: 'a\r\n\r\nb    c\t\td',
      }),
    ).toBe(`Bearer error="invalid_token", error_description="a b c d", resource_metadata="${metadataUrl}"`);
  });

  it('names only the error codes RFC 6750 defines', () => {
    const header = wwwAuthenticate({
      resourceMetadataUrl: metadataUrl,
      error: 'server_error" x="y' as 'invalid_token',
    });
    expect(header).toBe(`Bearer resource_metadata="${metadataUrl}"`);
    expect(wwwAuthenticate({ resourceMetadataUrl: metadataUrl, error: 'invalid_request' })).toContain(
      'error="invalid_request"',
    );
  });

  it('writes scopes separated by single spaces, whatever separated them', () => {
    expect(wwwAuthenticate({ resourceMetadataUrl: metadataUrl, scope: ' a\t\tb   c ' })).toBe(
      `Bearer scope="a b c", resource_metadata="${metadataUrl}"`,
    );
  });

  it('says which URL is not absolute', () => {
    expect(() => resourceMetadataPaths('/mcp')).toThrow('resourceUrl is not an absolute URL');
    expect(() =>
      protectedResourceMetadata({ resource: 'mcp', authorizationServers: ['https://idp.example.com'] }),
    ).toThrow('resource is not an absolute URL');
    expect(() => protectedResourceMetadata({ resource: AUDIENCE, authorizationServers: [] })).toThrow(
      'authorizationServers must not be empty',
    );
    expect(() => protectedResourceMetadata({ resource: AUDIENCE, authorizationServers: ['idp'] })).toThrow(
      'an authorization server is not an absolute URL',
    );
  });
});
