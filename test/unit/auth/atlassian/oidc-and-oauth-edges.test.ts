// Edges of the two OAuth clients found by mutation testing: which endpoints discovery fills in, how a token request
// that failed below HTTP or with an unusual status is reported, and that an aborted token request reports the
// caller's abort reason whatever the server answered meanwhile.
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { AtlassianOAuth } from '../../../../src/auth/atlassian/oauth-client.js';
import {
  LoginCodeRejectedError,
  LoginUnavailableError,
  OidcLoginClient,
  type OidcLoginOptions,
} from '../../../../src/auth/atlassian/oidc-login.js';
import { mockServer } from '../../../support/msw.js';

const ISSUER = 'https://idp.example.com/tenant';
const DISCOVERY = `${ISSUER}/.well-known/openid-configuration`;
const TOKEN = 'https://idp.example.com/token';
const JWKS = 'https://idp.example.com/keys';

function client(overrides: Partial<OidcLoginOptions> = {}) {
  return new OidcLoginClient({
    issuer: ISSUER,
    clientId: 'mcp-login',
    redirectUri: 'https://mcp.example.com/connect/login-callback',
    scopes: ['openid'],
    algorithms: ['RS256'],
    timeoutMs: 2000,
    userAgent: 'test',
    ...overrides,
  });
}

function discovery() {
  let fetched = 0;
  mockServer.use(
    http.get(DISCOVERY, () => {
      fetched += 1;
      return HttpResponse.json({
        issuer: ISSUER,
        authorization_endpoint: 'https://idp.example.com/authorize',
        token_endpoint: TOKEN,
        jwks_uri: JWKS,
      });
    }),
  );
  return { fetched: () => fetched };
}

describe('OpenID discovery', () => {
  it('is read whenever any endpoint is not configured, the keys URL included', async () => {
    for (const configured of [
      { tokenEndpoint: 'https://login.example.com/token', jwksUrl: JWKS },
      { authorizationEndpoint: 'https://login.example.com/auth', jwksUrl: JWKS },
      { jwksUrl: JWKS },
    ]) {
      const seen = discovery();
      const endpoints = await client(configured).endpoints();
      expect(seen.fetched()).toBe(1);
      expect(endpoints).toEqual({
        authorizationEndpoint: configured.authorizationEndpoint ?? 'https://idp.example.com/authorize',
        tokenEndpoint: configured.tokenEndpoint ?? TOKEN,
        jwksUrl: JWKS,
      });
    }
  });
});

describe('a token request that fails', () => {
  it('reports a network failure as the provider being unreachable', async () => {
    discovery();
    mockServer.use(http.post(TOKEN, () => HttpResponse.error()));
    const error = await client()
      .exchangeCode('c', 'v')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LoginUnavailableError);
    expect((error as Error).message).toMatch(/^the token endpoint failed: /);
  });

  it('reads a status below 400 that is not a success as the provider failing, not as a refused code', async () => {
    discovery();
    mockServer.use(http.post(TOKEN, () => new HttpResponse(null, { status: 300 })));
    const error = await client()
      .exchangeCode('c', 'v')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LoginUnavailableError);
    expect(error).not.toBeInstanceOf(LoginCodeRejectedError);
  });
});

describe('an aborted Atlassian token request', () => {
  it('rejects with the abort reason, even when the server answered an error meanwhile', async () => {
    const controller = new AbortController();
    const reason = new Error('the call was cancelled');
    const oauth = new AtlassianOAuth({
      authBaseUrl: 'https://auth.atlassian.test',
      apiBaseUrl: 'https://api.atlassian.test',
      clientId: 'app',
      clientSecret: 'secret',
      redirectUri: 'https://mcp.example.com/integration-callback',
      scopes: ['offline_access'],
      timeoutMs: 2000,
      userAgent: 'test',
      fetch: async () => {
        controller.abort(reason);
        return new Response('{}', { status: 500 });
      },
    });
    await expect(oauth.refresh('rt', controller.signal)).rejects.toBe(reason);
  });
});
