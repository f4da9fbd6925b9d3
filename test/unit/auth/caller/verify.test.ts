import {
  base64url,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  type JSONWebKeySet,
  type JWK,
  SignJWT,
} from 'jose';
import { HttpResponse, http } from 'msw';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type CallerAuthOptions,
  CallerKeysUnavailableError,
  createCallerVerifier,
  InsufficientCallerScopeError,
  InvalidCallerTokenError,
} from '../../../../src/auth/caller/index.js';
import { mockServer } from '../../../support/msw.js';

const ISSUER = 'https://idp.example.com/';
const AUDIENCE = 'https://mcp.example.com/mcp';
const JWKS_URL = 'https://idp.example.com/.well-known/jwks.json';

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;
let rsa: KeyPair;
let ec: KeyPair;
let attacker: KeyPair;
let es384: KeyPair;
let rsaPem: string;
let ecJwk: JWK;
let jwks: JSONWebKeySet;

beforeAll(async () => {
  [rsa, ec, attacker, es384] = await Promise.all([
    generateKeyPair('RS256', { extractable: true }),
    generateKeyPair('ES256', { extractable: true }),
    generateKeyPair('RS256', { extractable: true }),
    generateKeyPair('ES384', { extractable: true }),
  ]);
  rsaPem = await exportSPKI(rsa.publicKey);
  ecJwk = await exportJWK(ec.publicKey);
  jwks = {
    keys: [
      { ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' },
      { ...ecJwk, kid: 'ec-1', alg: 'ES256', use: 'sig' },
    ],
  };
});

const now = () => Math.floor(Date.now() / 1000);

interface TokenSpec {
  alg?: string;
  kid?: string | undefined;
  typ?: string | undefined;
  key?: KeyPair['privateKey'] | Uint8Array;
  /** Claims over the defaults; `undefined` removes one. */
  claims?: Record<string, unknown>;
}

/** A token the real issuer would mint, with whatever changed that a test needs. */
async function token(spec: TokenSpec = {}): Promise<string> {
  const alg = spec.alg ?? 'RS256';
  const claims: Record<string, unknown> = {
    iss: ISSUER,
    aud: AUDIENCE,
    sub: 'user-1',
    iat: now(),
    exp: now() + 600,
    scope: 'confluence:read confluence:write',
    ...spec.claims,
  };
  for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
  const header: Record<string, unknown> = {
    alg,
    typ: 'at+jwt',
    kid: alg.startsWith('ES') ? 'ec-1' : 'rsa-1',
  };
  if ('kid' in spec) header.kid = spec.kid;
  if ('typ' in spec) header.typ = spec.typ;
  for (const [name, value] of Object.entries(header)) if (value === undefined) delete header[name];
  const key = spec.key ?? (alg.startsWith('ES') ? ec.privateKey : rsa.privateKey);
  return new SignJWT(claims).setProtectedHeader(header as { alg: string }).sign(key);
}

const encode = (value: unknown) => base64url.encode(JSON.stringify(value));

const verifier = (options: Partial<CallerAuthOptions> = {}) =>
  createCallerVerifier({
    issuer: ISSUER,
    audience: AUDIENCE,
    algorithms: ['RS256', 'ES256'],
    ...(options.publicKey || options.jwksUrl ? {} : { jwks }),
    ...options,
  });

describe('createCallerVerifier rejects', () => {
  const cases: { name: string; token: () => Promise<string>; reason: string }[] = [
    {
      name: 'a wrong issuer',
      token: () => token({ claims: { iss: 'https://evil.example.com/' } }),
      reason: 'unexpected issuer',
    },
    {
      name: 'a missing issuer',
      token: () => token({ claims: { iss: undefined } }),
      reason: 'token has no issuer',
    },
    {
      name: 'a token for another audience',
      token: () => token({ claims: { aud: 'https://other.example.com/mcp' } }),
      reason: 'token is not meant for this server',
    },
    {
      name: 'an audience that only starts with ours',
      token: () => token({ claims: { aud: `${AUDIENCE}/../admin` } }),
      reason: 'token is not meant for this server',
    },
    {
      name: 'an expired token',
      token: () => token({ claims: { exp: now() - 120 } }),
      reason: 'token expired',
    },
    {
      name: 'a token without exp',
      token: () => token({ claims: { exp: undefined } }),
      reason: 'token has no expiry',
    },
    {
      name: 'a non-numeric exp',
      token: () => token({ claims: { exp: 'tomorrow' } }),
      reason: 'invalid expiry',
    },
    {
      name: 'a not-yet-valid token',
      token: () => token({ claims: { nbf: now() + 120 } }),
      reason: 'token not yet valid',
    },
    {
      name: 'a token issued in the future',
      token: () => token({ claims: { iat: now() + 600, exp: now() + 1200 } }),
      reason: 'token issued in the future',
    },
    {
      name: 'a token without sub',
      token: () => token({ claims: { sub: undefined } }),
      reason: 'token has no subject',
    },
    { name: 'an empty sub', token: () => token({ claims: { sub: '' } }), reason: 'token has no subject' },
    { name: 'a non-string sub', token: () => token({ claims: { sub: 42 } }), reason: 'token has no subject' },
    {
      name: 'alg none without a signature',
      token: async () =>
        `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ iss: ISSUER, aud: AUDIENCE, sub: 'x', exp: now() + 60 })}.`,
      reason: 'malformed token',
    },
    {
      name: 'alg none with a signature part',
      token: async () =>
        `${encode({ alg: 'none' })}.${encode({ iss: ISSUER, aud: AUDIENCE, sub: 'x', exp: now() + 60 })}.AAAA`,
      reason: 'signing algorithm not allowed',
    },
    {
      name: 'HMAC/RSA confusion (HS256 keyed with the RSA public key PEM)',
      token: () => token({ alg: 'HS256', key: new TextEncoder().encode(rsaPem) }),
      reason: 'signing algorithm not allowed',
    },
    {
      name: 'an algorithm outside the allow-list',
      token: () => token({ alg: 'ES384', kid: 'ec-1', key: es384.privateKey }),
      reason: 'signing algorithm not allowed',
    },
    { name: 'an unknown key id', token: () => token({ kid: 'rsa-2' }), reason: 'unknown signing key' },
    {
      name: 'a key id of the wrong key type',
      token: () => token({ kid: 'ec-1' }),
      reason: 'unknown signing key',
    },
    {
      name: "an attacker's key under the real key id",
      token: () => token({ key: attacker.privateKey }),
      reason: 'bad signature',
    },
    {
      name: 'a tampered payload',
      token: async () => {
        const [header, , signature] = (await token()).split('.');
        const payload = encode({ iss: ISSUER, aud: AUDIENCE, sub: 'admin', exp: now() + 600 });
        return `${header}.${payload}.${signature}`;
      },
      reason: 'bad signature',
    },
    { name: 'an ID token', token: () => token({ typ: 'id_token+jwt' }), reason: 'not an access token' },
    { name: 'a DPoP proof', token: () => token({ typ: 'dpop+jwt' }), reason: 'not an access token' },
    {
      name: 'a typ that is not a string',
      token: () => token({ typ: 7 as unknown as string }),
      reason: 'not an access token',
    },
    { name: 'garbage', token: async () => 'not-a-jwt', reason: 'malformed token' },
    { name: 'an empty token', token: async () => '', reason: 'missing token' },
    { name: 'a header that is not JSON', token: async () => 'AAAA.BBBB.CCCC', reason: 'malformed token' },
    {
      name: 'a payload that is not an object',
      token: async () => `${encode({ alg: 'RS256', kid: 'rsa-1' })}.${encode([1, 2])}.AAAA`,
      reason: 'bad signature',
    },
    { name: 'a JWE (five parts)', token: async () => 'a.b.c.d.e', reason: 'malformed token' },
    { name: 'a token with whitespace', token: async () => ` ${await token()}`, reason: 'malformed token' },
    {
      name: 'an oversized token (checked before parsing)',
      token: () => token({ claims: { padding: 'x'.repeat(9000) } }),
      reason: 'token too large',
    },
  ];

  it.each(cases)('$name', async ({ token: make, reason }) => {
    const jwt = await make();
    const error = await verifier()
      .verify(jwt)
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(InvalidCallerTokenError);
    expect(error).not.toBeInstanceOf(InsufficientCallerScopeError);
    expect((error as InvalidCallerTokenError).error).toBe('invalid_token');
    expect((error as Error).message).toBe(reason);
    // The reason goes into WWW-Authenticate as is, so it must be safe there and say nothing of the token.
    expect((error as Error).message).toMatch(/^[a-z -]+$/);
    if (jwt)
      expect(JSON.stringify({ ...(error as Error), message: (error as Error).message })).not.toContain(jwt);
  });

  it('refuses HMAC/RSA confusion when the key is configured as a PEM too', async () => {
    const forged = await token({ alg: 'HS256', key: new TextEncoder().encode(rsaPem) });
    await expect(verifier({ publicKey: rsaPem, algorithms: ['RS256'] }).verify(forged)).rejects.toThrow(
      'signing algorithm not allowed',
    );
  });

  it('reads no further than the length cap', async () => {
    await expect(verifier().verify('a'.repeat(8193))).rejects.toThrow('token too large');
  });

  it('answers insufficient_scope when a required scope is missing', async () => {
    const jwt = await token({ claims: { scope: 'confluence:read' } });
    const error = await verifier({ requiredScopes: ['confluence:read', 'confluence:write'] })
      .verify(jwt)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InsufficientCallerScopeError);
    expect(error).toMatchObject({
      error: 'insufficient_scope',
      requiredScopes: ['confluence:read', 'confluence:write'],
    });
  });
});

describe('createCallerVerifier accepts', () => {
  it('an RS256 token and derives the caller from it', async () => {
    const jwt = await token({
      claims: {
        name: 'Ada',
        email: 'ada@example.com',
        preferred_username: 'ada',
        client_id: 'gateway',
        exp: now() + 300,
      },
    });
    const caller = await verifier().verify(jwt);
    expect(caller).toEqual({
      userKey: JSON.stringify([ISSUER, 'user-1']),
      issuer: ISSUER,
      subject: 'user-1',
      expiresAt: now() + 300,
      scopes: ['confluence:read', 'confluence:write'],
      clientId: 'gateway',
      claims: { name: 'Ada', email: 'ada@example.com', preferred_username: 'ada' },
      emailVerified: false,
    });
  });

  it('counts an email as verified only for `email_verified: true` alongside an email', async () => {
    const verified = async (claims: Record<string, unknown>) =>
      (await verifier().verify(await token({ claims }))).emailVerified;
    expect(await verified({ email: 'ada@example.com', email_verified: true })).toBe(true);
    expect(await verified({ email: 'ada@example.com', email_verified: 'true' })).toBe(false);
    expect(await verified({ email: 'ada@example.com', email_verified: false })).toBe(false);
    expect(await verified({ email: 'ada@example.com' })).toBe(false);
    expect(await verified({ email_verified: true })).toBe(false);
  });

  it('an ES256 token', async () => {
    await expect(verifier().verify(await token({ alg: 'ES256' }))).resolves.toMatchObject({
      subject: 'user-1',
    });
  });

  it('an audience array that contains this server', async () => {
    const jwt = await token({ claims: { aud: ['https://other.example.com', AUDIENCE] } });
    await expect(verifier().verify(jwt)).resolves.toMatchObject({ subject: 'user-1' });
  });

  it('typ JWT, typ application/at+jwt and no typ at all', async () => {
    for (const typ of ['JWT', 'application/at+jwt', undefined]) {
      await expect(verifier().verify(await token({ typ }))).resolves.toMatchObject({ subject: 'user-1' });
    }
  });

  it('a token just past exp within the clock tolerance, and not beyond it', async () => {
    const jwt = await token({ claims: { iat: now() - 100, exp: now() - 10 } });
    await expect(verifier().verify(jwt)).resolves.toMatchObject({ subject: 'user-1' });
    await expect(verifier({ clockToleranceSeconds: 0 }).verify(jwt)).rejects.toThrow('token expired');
  });

  it('a token whose nbf and iat are slightly ahead of our clock', async () => {
    const jwt = await token({ claims: { nbf: now() + 10, iat: now() + 10 } });
    await expect(verifier().verify(jwt)).resolves.toMatchObject({ subject: 'user-1' });
  });

  it('scopes from scp as an array or a string', async () => {
    const arr = await verifier().verify(await token({ claims: { scope: undefined, scp: ['a', 'b', 7] } }));
    expect(arr.scopes).toEqual(['a', 'b']);
    const str = await verifier().verify(await token({ claims: { scope: undefined, scp: 'c d' } }));
    expect(str.scopes).toEqual(['c', 'd']);
    const none = await verifier().verify(await token({ claims: { scope: undefined } }));
    expect(none.scopes).toEqual([]);
  });

  it('a token with every required scope', async () => {
    const jwt = await token();
    await expect(verifier({ requiredScopes: ['confluence:read'] }).verify(jwt)).resolves.toMatchObject({
      scopes: ['confluence:read', 'confluence:write'],
    });
  });

  it('keys the user by issuer and subject in a form no crafted subject can make collide', async () => {
    const sub = `x","${ISSUER}`;
    const caller = await verifier().verify(await token({ claims: { sub } }));
    expect(JSON.parse(caller.userKey)).toEqual([ISSUER, sub]);
    expect(caller.userKey).not.toBe(JSON.stringify([`${ISSUER}","x`, ISSUER]));
  });

  it('one PEM public key, whatever kid the token names', async () => {
    const v = verifier({ publicKey: rsaPem, algorithms: ['RS256'] });
    await expect(v.verify(await token({ kid: 'rotated-away' }))).resolves.toMatchObject({
      subject: 'user-1',
    });
    await expect(v.verify(await token({ kid: undefined }))).resolves.toMatchObject({ subject: 'user-1' });
    await expect(v.verify(await token({ key: attacker.privateKey }))).rejects.toThrow('bad signature');
  });

  it('one JWK JSON public key, refusing tokens its key type cannot verify', async () => {
    const v = verifier({ publicKey: JSON.stringify(ecJwk), algorithms: ['RS256', 'ES256'] });
    await expect(v.verify(await token({ alg: 'ES256' }))).resolves.toMatchObject({ subject: 'user-1' });
    await expect(v.verify(await token({ alg: 'RS256' }))).rejects.toThrow('unknown signing key');
  });
});

describe('createCallerVerifier with a remote JWKS', () => {
  it('fetches the key set once and caches it', async () => {
    let fetches = 0;
    mockServer.use(
      http.get(JWKS_URL, () => {
        fetches += 1;
        return HttpResponse.json(jwks);
      }),
    );
    const v = verifier({ jwksUrl: JWKS_URL });
    await expect(v.verify(await token())).resolves.toMatchObject({ subject: 'user-1' });
    await expect(v.verify(await token({ alg: 'ES256' }))).resolves.toMatchObject({ subject: 'user-1' });
    expect(fetches).toBe(1);
    await expect(v.verify(await token({ kid: 'rsa-2' }))).rejects.toThrow('unknown signing key');
  });

  it('tells an unreachable issuer apart from a bad token', async () => {
    mockServer.use(http.get(JWKS_URL, () => HttpResponse.json({ error: 'down' }, { status: 503 })));
    const error = await verifier({ jwksUrl: JWKS_URL })
      .verify(await token())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CallerKeysUnavailableError);
    expect(error).not.toBeInstanceOf(InvalidCallerTokenError);
  });

  it('treats a response that is not a key set as the issuer being unavailable', async () => {
    mockServer.use(http.get(JWKS_URL, () => HttpResponse.json({ nope: true })));
    await expect(verifier({ jwksUrl: JWKS_URL }).verify(await token())).rejects.toBeInstanceOf(
      CallerKeysUnavailableError,
    );
  });

  it('does not fetch keys for a token it can refuse on sight', async () => {
    // No handler: a fetch would fail the test through msw's onUnhandledRequest.
    const v = verifier({ jwksUrl: JWKS_URL });
    await expect(v.verify('x'.repeat(9000))).rejects.toThrow('token too large');
    await expect(
      v.verify(await token({ alg: 'HS256', key: new TextEncoder().encode('secret') })),
    ).rejects.toThrow('signing algorithm not allowed');
    // Anything before or after the three parts, down to one character, is malformed before any key is looked up.
    const jwt = await token();
    for (const bad of [`${jwt}!`, `${jwt}\n`, `!${jwt}`, `${jwt}.`]) {
      await expect(v.verify(bad), JSON.stringify(bad.slice(-3))).rejects.toThrow('malformed token');
    }
  });
});
