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
