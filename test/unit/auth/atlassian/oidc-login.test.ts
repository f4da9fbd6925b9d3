import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { HttpResponse, http } from 'msw';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  IdTokenError,
  LoginCodeRejectedError,
  LoginUnavailableError,
  OidcLoginClient,
  type OidcLoginOptions,
  pkceChallenge,
} from '../../../../src/auth/atlassian/oidc-login.js';
import { mockServer } from '../../../support/msw.js';

const ISSUER = 'https://idp.example.com/tenant';
const DISCOVERY = `${ISSUER}/.well-known/openid-configuration`;
const JWKS = 'https://idp.example.com/keys';
const TOKEN = 'https://idp.example.com/token';

let signingKey: CryptoKey;
let jwk: JWK;

beforeAll(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true });
  signingKey = pair.privateKey;
  jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
});

function client(overrides: Partial<OidcLoginOptions> = {}) {
  return new OidcLoginClient({
    issuer: ISSUER,
    clientId: 'mcp-login',
    redirectUri: 'https://mcp.example.com/connect/login-callback',
    scopes: ['openid'],
    algorithms: ['RS256', 'ES256'],
    timeoutMs: 2000,
    userAgent: 'test',
    ...overrides,
  });
}

function discovery(body: Record<string, unknown> = {}) {
  let fetched = 0;
  mockServer.use(
    http.get(DISCOVERY, () => {
      fetched += 1;
      return HttpResponse.json({
        issuer: ISSUER,
        authorization_endpoint: 'https://idp.example.com/authorize',
        token_endpoint: TOKEN,
        jwks_uri: JWKS,
        ...body,
      });
    }),
    http.get(JWKS, () => HttpResponse.json({ keys: [jwk] })),
  );
  return { fetched: () => fetched };
}

const idToken = (claims: Record<string, unknown> = {}) => {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    iss: ISSUER,
    sub: 'alice',
    aud: 'mcp-login',
    iat: now,
    exp: now + 300,
    nonce: 'the-nonce',
    name: 'Alice Example',
    ...claims,
  })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .sign(signingKey);
};

describe('PKCE', () => {
  it('derives the S256 challenge of RFC 7636 appendix B', () => {
    expect(pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });
});

describe('OidcLoginClient', () => {
  it('refuses symmetric algorithms and none for ID tokens', () => {
    expect(() => client({ algorithms: ['RS256', 'HS256'] })).toThrow(/asymmetric/);
    expect(() => client({ algorithms: ['none'] })).toThrow(/asymmetric/);
  });

  it('builds the authorization URL from discovery, fetched once', async () => {
    const seen = discovery();
    const login = client();
    const url = new URL(await login.authorizeUrl({ state: 's', nonce: 'n', codeChallenge: 'c' }));
    await login.authorizeUrl({ state: 's2', nonce: 'n2', codeChallenge: 'c2' });
    expect(seen.fetched()).toBe(1);
    expect(`${url.origin}${url.pathname}`).toBe('https://idp.example.com/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'mcp-login',
      redirect_uri: 'https://mcp.example.com/connect/login-callback',
      scope: 'openid',
      state: 's',
      nonce: 'n',
      code_challenge: 'c',
      code_challenge_method: 'S256',
    });
  });

  it('fetches no discovery when every endpoint is configured', async () => {
    // msw fails the test on any request it was not told about.
    const login = client({
      authorizationEndpoint: 'https://login.example.com/auth',
      tokenEndpoint: TOKEN,
      jwksUrl: JWKS,
    });
    expect(await login.authorizeUrl({ state: 's', nonce: 'n', codeChallenge: 'c' })).toMatch(
      /^https:\/\/login\.example\.com\/auth\?/,
    );
  });

  it('refuses a discovery document naming another issuer, and tries again next time', async () => {
    discovery({ issuer: 'https://evil.example.com' });
    const login = client();
    await expect(login.endpoints()).rejects.toBeInstanceOf(LoginUnavailableError);
    discovery();
    await expect(login.endpoints()).resolves.toMatchObject({ tokenEndpoint: TOKEN });
  });

  it('redeems the code with the PKCE verifier as a public client', async () => {
    discovery();
    let form: URLSearchParams | undefined;
    mockServer.use(
      http.post(TOKEN, async ({ request }) => {
        form = new URLSearchParams(await request.text());
        return HttpResponse.json({ access_token: 'at', token_type: 'Bearer', id_token: 'the.id.token' });
      }),
    );
    expect(await client().exchangeCode('code-1', 'verifier-1')).toBe('the.id.token');
    expect(Object.fromEntries(form ?? [])).toEqual({
      grant_type: 'authorization_code',
      code: 'code-1',
      redirect_uri: 'https://mcp.example.com/connect/login-callback',
      client_id: 'mcp-login',
      code_verifier: 'verifier-1',
    });
  });

  it('sends a configured client secret in the form (client_secret_post)', async () => {
    discovery();
    let secret: string | null = null;
    mockServer.use(
      http.post(TOKEN, async ({ request }) => {
        secret = new URLSearchParams(await request.text()).get('client_secret');
        return HttpResponse.json({ id_token: 'x.y.z' });
      }),
    );
    await client({ clientSecret: 'shh' }).exchangeCode('c', 'v');
    expect(secret).toBe('shh');
  });

  it('tells a refused code from an unreachable provider', async () => {
    discovery();
    mockServer.use(http.post(TOKEN, () => HttpResponse.json({ error: 'invalid_grant' }, { status: 400 })));
    await expect(client().exchangeCode('c', 'v')).rejects.toBeInstanceOf(LoginCodeRejectedError);
    mockServer.use(http.post(TOKEN, () => new HttpResponse(null, { status: 503 })));
    await expect(client().exchangeCode('c', 'v')).rejects.toBeInstanceOf(LoginUnavailableError);
    mockServer.use(http.post(TOKEN, () => HttpResponse.json({ access_token: 'only' })));
    await expect(client().exchangeCode('c', 'v')).rejects.toBeInstanceOf(LoginUnavailableError);
  });

  it('accepts a genuine ID token and names who signed in', async () => {
    discovery();
    expect(await client().verifyIdToken(await idToken(), 'the-nonce')).toEqual({
      issuer: ISSUER,
      subject: 'alice',
      label: 'Alice Example',
    });
  });

  it.each([
    ['another sign-in’s nonce', () => idToken({ nonce: 'other' }), /nonce/],
    ['no nonce', () => idToken({ nonce: undefined }), /nonce/],
    ['another audience', () => idToken({ aud: 'someone-else' }), /aud/],
    ['another issuer', () => idToken({ iss: 'https://idp.example.com/other' }), /iss/],
    ['an expired token', () => idToken({ exp: Math.floor(Date.now() / 1000) - 120 }), /expired/],
    ['several audiences without azp', () => idToken({ aud: ['mcp-login', 'other'] }), /another client/],
    [
      'an HMAC signature',
      () =>
        new SignJWT({ nonce: 'the-nonce' })
          .setProtectedHeader({ alg: 'HS256' })
          .setIssuer(ISSUER)
          .setSubject('alice')
          .setAudience('mcp-login')
          .setIssuedAt()
          .setExpirationTime('5m')
          .sign(new TextEncoder().encode('x'.repeat(32))),
      /algorithm/,
    ],
  ])('refuses an ID token with %s', async (_name, make, reason) => {
    discovery();
    const failure = await client()
      .verifyIdToken(await make(), 'the-nonce')
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(IdTokenError);
    expect((failure as Error).message).toMatch(reason);
  });
});

describe('OidcLoginClient, edges', () => {
  const otherKey = async () => {
    const pair = await generateKeyPair('RS256', { extractable: true });
    return pair.privateKey;
  };
  const signed = async (key: CryptoKey, kid: string, claims: Record<string, unknown> = {}) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      iss: ISSUER,
      sub: 'alice',
      aud: 'mcp-login',
      iat: now,
      exp: now + 300,
      nonce: 'n',
      ...claims,
    })
      .setProtectedHeader({ alg: 'RS256', kid })
      .sign(key);
  };

  it('names errors by their kind, for logs', () => {
    expect(new LoginUnavailableError('x').name).toBe('LoginUnavailableError');
    expect(new LoginCodeRejectedError('x').name).toBe('LoginCodeRejectedError');
    expect(new IdTokenError('x').name).toBe('IdTokenError');
  });

  it('refuses a token signed by a key the provider does not publish, and one whose signature was altered', async () => {
    discovery();
    const unknown = await client()
      .verifyIdToken(await signed(await otherKey(), 'k-unknown'), 'n')
      .catch((e: unknown) => e);
    expect(unknown).toEqual(new IdTokenError('ID token signed with an unknown key'));
    const forged = await client()
      .verifyIdToken(await signed(await otherKey(), 'k1'), 'n')
      .catch((e: unknown) => e);
    expect(forged).toEqual(new IdTokenError('ID token signature is not valid'));
    const garbage = await client()
      .verifyIdToken('not-a-jwt', 'n')
      .catch((e: unknown) => e);
    expect(garbage).toEqual(new IdTokenError('ID token could not be verified'));
  });

  it('refuses a token whose algorithm is asymmetric but not configured', async () => {
    discovery();
    const es = await generateKeyPair('ES256', { extractable: true });
    mockServer.use(
      http.get(JWKS, async () =>
        HttpResponse.json({ keys: [jwk, { ...(await exportJWK(es.publicKey)), kid: 'e1', alg: 'ES256' }] }),
      ),
    );
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({
      iss: ISSUER,
      sub: 'a',
      aud: 'mcp-login',
      iat: now,
      exp: now + 60,
      nonce: 'n',
    })
      .setProtectedHeader({ alg: 'ES256', kid: 'e1' })
      .sign(es.privateKey);
    const failure = await client({ algorithms: ['RS256'] })
      .verifyIdToken(token, 'n')
      .catch((e: unknown) => e);
    expect(failure).toEqual(new IdTokenError('ID token signing algorithm not allowed'));
  });

  it('requires an issued-at time, and allows 30 seconds of clock skew unless told otherwise', async () => {
    discovery();
    const now = Math.floor(Date.now() / 1000);
    const noIat = await new SignJWT({ iss: ISSUER, sub: 'a', aud: 'mcp-login', exp: now + 60, nonce: 'n' })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .sign(signingKey);
    expect(
      await client()
        .verifyIdToken(noIat, 'n')
        .catch((e: unknown) => (e as Error).message),
    ).toBe('ID token claim iat is not valid');
    const justExpired = await signed(signingKey, 'k1', { exp: now - 10 });
    await expect(client().verifyIdToken(justExpired, 'n')).resolves.toMatchObject({ subject: 'alice' });
    await expect(client({ clockToleranceSeconds: 0 }).verifyIdToken(justExpired, 'n')).rejects.toThrow(
      'ID token expired',
    );
  });

  it('accepts several audiences when the token was issued to this client, and one audience in a list', async () => {
    discovery();
    const several = await signed(signingKey, 'k1', { aud: ['mcp-login', 'other'], azp: 'mcp-login' });
    await expect(client().verifyIdToken(several, 'n')).resolves.toMatchObject({ subject: 'alice' });
    const one = await signed(signingKey, 'k1', { aud: ['mcp-login'] });
    await expect(client().verifyIdToken(one, 'n')).resolves.toMatchObject({ subject: 'alice' });
    const elsewhere = await signed(signingKey, 'k1', { aud: ['mcp-login', 'other'], azp: 'other' });
    await expect(client().verifyIdToken(elsewhere, 'n')).rejects.toThrow(
      'ID token was issued to another client',
    );
  });

  it('names who signed in by name, else email, else username, else subject, skipping empty claims', async () => {
    discovery();
    const label = async (claims: Record<string, unknown>) =>
      (await client().verifyIdToken(await signed(signingKey, 'k1', claims), 'n')).label;
    expect(await label({ name: '', email: 'a@x.example', preferred_username: 'ax' })).toBe('a@x.example');
    expect(await label({ email: 7, preferred_username: 'ax' })).toBe('ax');
    expect(await label({ preferred_username: '' })).toBe('alice');
  });

  it('says why discovery failed: unreachable, or a document missing an endpoint', async () => {
    mockServer.use(http.get(DISCOVERY, () => new HttpResponse(null, { status: 500 })));
    await expect(client().endpoints()).rejects.toThrow(/^OpenID discovery failed: /);
    for (const missing of ['authorization_endpoint', 'token_endpoint', 'jwks_uri']) {
      discovery({ [missing]: undefined });
      await expect(client().endpoints(), missing).rejects.toThrow(
        new LoginUnavailableError(`OpenID discovery has no ${missing}`),
      );
    }
    discovery({ issuer: 'https://evil.example.com' });
    await expect(client().endpoints()).rejects.toThrow('OpenID discovery names another issuer');
  });

  it('discovers the endpoints it was not given, and uses those it was', async () => {
    const seen = discovery();
    const login = client({ tokenEndpoint: 'https://login.example.com/token' });
    expect(await login.endpoints()).toEqual({
      authorizationEndpoint: 'https://idp.example.com/authorize',
      tokenEndpoint: 'https://login.example.com/token',
      jwksUrl: JWKS,
    });
    expect(seen.fetched()).toBe(1);
    const partial = discovery();
    await client({ authorizationEndpoint: 'https://a.example/auth', tokenEndpoint: TOKEN }).endpoints();
    expect(partial.fetched()).toBe(1);
  });

  it('asks for every configured scope, separated by spaces', async () => {
    discovery();
    const url = new URL(
      await client({ scopes: ['openid', 'email', 'profile'] }).authorizeUrl({
        state: 's',
        nonce: 'n',
        codeChallenge: 'c',
      }),
    );
    expect(url.searchParams.get('scope')).toBe('openid email profile');
  });

  it('says what the provider reported when it refuses the code, or its status, and why the endpoint failed', async () => {
    discovery();
    mockServer.use(http.post(TOKEN, () => HttpResponse.json({ error: 'invalid_grant' }, { status: 400 })));
    await expect(client().exchangeCode('c', 'v')).rejects.toThrow(
      new LoginCodeRejectedError('the identity provider refused the code (invalid_grant)'),
    );
    mockServer.use(http.post(TOKEN, () => new HttpResponse('nope', { status: 401 })));
    await expect(client().exchangeCode('c', 'v')).rejects.toThrow(
      new LoginCodeRejectedError('the identity provider refused the code (401)'),
    );
    mockServer.use(http.post(TOKEN, () => new HttpResponse(null, { status: 500 })));
    await expect(client().exchangeCode('c', 'v')).rejects.toThrow(/^the token endpoint failed: /);
    mockServer.use(http.post(TOKEN, () => HttpResponse.json({ id_token: '' })));
    await expect(client().exchangeCode('c', 'v')).rejects.toThrow(
      new LoginUnavailableError('the token endpoint answered without an id_token'),
    );
  });

  it('sends its user agent, and fetches through the fetch it was given, keys included', async () => {
    discovery();
    const agents: (string | null)[] = [];
    const seen: string[] = [];
    const login = client({
      userAgent: 'confluence-mcp/9',
      fetch: async (input, init) => {
        const request = new Request(input, init);
        seen.push(new URL(request.url).pathname);
        agents.push(request.headers.get('user-agent'));
        return fetch(request);
      },
    });
    await login.verifyIdToken(await signed(signingKey, 'k1'), 'n');
    expect(seen).toEqual(['/tenant/.well-known/openid-configuration', '/keys']);
    expect(agents[0]).toBe('confluence-mcp/9');
  });

  it('fetches the provider’s keys once for many sign-ins', async () => {
    let keyFetches = 0;
    discovery();
    mockServer.use(
      http.get(JWKS, () => {
        keyFetches += 1;
        return HttpResponse.json({ keys: [jwk] });
      }),
    );
    const login = client();
    await login.verifyIdToken(await signed(signingKey, 'k1'), 'n');
    await login.verifyIdToken(await signed(signingKey, 'k1'), 'n');
    expect(keyFetches).toBe(1);
  });
});
