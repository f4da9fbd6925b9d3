import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import {
  AtlassianOAuth,
  type AtlassianOAuthOptions,
  ClientCredentialsError,
  InvalidGrantError,
  OAuthUnavailableError,
} from '../../../../src/auth/atlassian/oauth-client.js';
import { mockServer } from '../../../support/msw.js';

const AUTH = 'https://auth.atlassian.test';
const API = 'https://api.atlassian.test';
const NOW = 1_800_000_000_000;

function oauth(over: Partial<AtlassianOAuthOptions> = {}) {
  return new AtlassianOAuth({
    authBaseUrl: AUTH,
    apiBaseUrl: API,
    clientId: 'app-id',
    clientSecret: 'app-secret',
    redirectUri: 'https://mcp.example.com/integration-callback',
    scopes: ['read:page:confluence', 'offline_access'],
    timeoutMs: 2000,
    userAgent: 'confluence-mcp/test',
    now: () => NOW,
    ...over,
  });
}

/** The token endpoint answering `body` with `status`, recording what each request sent. */
function tokenEndpoint(body: unknown, status = 200) {
  const seen: { body: Record<string, unknown>; headers: Headers }[] = [];
  mockServer.use(
    http.post(`${AUTH}/oauth/token`, async ({ request }) => {
      seen.push({ body: (await request.json()) as Record<string, unknown>, headers: request.headers });
      return typeof body === 'string'
        ? new HttpResponse(body, { status })
        : HttpResponse.json(body as Record<string, unknown>, { status });
    }),
  );
  return seen;
}

describe('AtlassianOAuth', () => {
  it('sends the browser to Atlassian’s consent page with the app, scopes, callback and state', () => {
    const url = new URL(oauth().authorizeUrl('state-123'));
    expect(url.origin + url.pathname).toBe(`${AUTH}/authorize`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      audience: 'api.atlassian.com',
      client_id: 'app-id',
      scope: 'read:page:confluence offline_access',
      redirect_uri: 'https://mcp.example.com/integration-callback',
      state: 'state-123',
      response_type: 'code',
      prompt: 'consent',
    });
  });

  it('exchanges a code with the app’s credentials and the same callback URL', async () => {
    const seen = tokenEndpoint({
      access_token: 'at',
      refresh_token: 'rt',
      expires_in: 3600,
      scope: 'read:page:confluence  offline_access',
    });
    expect(await oauth().exchangeCode('the-code')).toEqual({
      accessToken: 'at',
      refreshToken: 'rt',
      expiresAt: NOW + 3600_000,
      scopes: ['read:page:confluence', 'offline_access'],
    });
    expect(seen[0]?.body).toEqual({
      grant_type: 'authorization_code',
      code: 'the-code',
      redirect_uri: 'https://mcp.example.com/integration-callback',
      client_id: 'app-id',
      client_secret: 'app-secret',
    });
    expect(seen[0]?.headers.get('user-agent')).toBe('confluence-mcp/test');
    expect(seen[0]?.headers.get('accept')).toBe('application/json');
  });

  it('has no refresh token after a code exchange without offline_access, and assumes the requested scopes', async () => {
    tokenEndpoint({ access_token: 'at', expires_in: 60 });
    expect(await oauth().exchangeCode('c')).toEqual({
      accessToken: 'at',
      refreshToken: undefined,
      expiresAt: NOW + 60_000,
      scopes: ['read:page:confluence', 'offline_access'],
    });
  });

  it('refreshes with the refresh token, and keeps using it when Atlassian rotates none', async () => {
    const seen = tokenEndpoint({ access_token: 'at2', expires_in: 3600, scope: 'read:page:confluence' });
    expect(await oauth().refresh('rt1')).toEqual({
      accessToken: 'at2',
      refreshToken: 'rt1',
      expiresAt: NOW + 3600_000,
      scopes: ['read:page:confluence'],
    });
    expect(seen[0]?.body).toEqual({
      grant_type: 'refresh_token',
      refresh_token: 'rt1',
      client_id: 'app-id',
      client_secret: 'app-secret',
    });
  });

  it('takes the rotated refresh token when Atlassian sends one', async () => {
    tokenEndpoint({ access_token: 'at2', refresh_token: 'rt2', expires_in: 3600 });
    expect((await oauth().refresh('rt1')).refreshToken).toBe('rt2');
  });

  it('reads a dead grant as InvalidGrantError, whatever the status', async () => {
    for (const status of [400, 401, 403]) {
      tokenEndpoint(
        { error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' },
        status,
      );
      const error = await oauth()
        .refresh('rt')
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidGrantError);
      expect(error).toMatchObject({
        name: 'InvalidGrantError',
        message: 'Atlassian no longer accepts this grant',
      });
    }
  });

  it('reads a 401 without invalid_grant as the app’s credentials being refused', async () => {
    tokenEndpoint({ error: 'access_denied' }, 401);
    const error = await oauth()
      .refresh('rt')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClientCredentialsError);
    expect(error).toMatchObject({
      name: 'ClientCredentialsError',
      message: 'Atlassian refused the app credentials',
    });
    tokenEndpoint('not json', 401);
    await expect(oauth().exchangeCode('c')).rejects.toBeInstanceOf(ClientCredentialsError);
  });

  it('reads other failures as Atlassian being unavailable, naming the status', async () => {
    tokenEndpoint({ error: 'server_error' }, 500);
    const error = await oauth()
      .refresh('rt')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OAuthUnavailableError);
    expect((error as Error).message).toBe("Atlassian's OAuth server answered 500");
    tokenEndpoint({ error: 'invalid_request' }, 400);
    await expect(oauth().refresh('rt')).rejects.toThrow("Atlassian's OAuth server answered 400");
  });

  it('refuses a token answer without an access token or a numeric lifetime', async () => {
    for (const body of [
      { expires_in: 3600 },
      { access_token: 'at' },
      { access_token: 'at', expires_in: '3600' },
    ]) {
      tokenEndpoint(body);
      await expect(oauth().exchangeCode('c')).rejects.toThrow(
        new OAuthUnavailableError('the token endpoint answered without an access token'),
      );
    }
  });

  it('reports a network failure as unavailable, with its cause', async () => {
    const failing = oauth({ fetch: async () => Promise.reject(new TypeError('connect ECONNREFUSED')) });
    await expect(failing.refresh('rt')).rejects.toThrow(
      new OAuthUnavailableError("Atlassian's OAuth server could not be reached: connect ECONNREFUSED"),
    );
    await expect(failing.accessibleResources('at')).rejects.toBeInstanceOf(OAuthUnavailableError);
  });

  it('gives an aborted request’s reason back, not an OAuth error', async () => {
    const controller = new AbortController();
    const reason = new Error('caller went away');
    controller.abort(reason);
    tokenEndpoint({ access_token: 'at', expires_in: 1 });
    await expect(oauth().refresh('rt', controller.signal)).rejects.toBe(reason);
    await expect(oauth().exchangeCode('c', controller.signal)).rejects.toBe(reason);
    await expect(oauth().accessibleResources('at', controller.signal)).rejects.toBe(reason);
  });

  it('lists the sites a token reaches, with the bearer token, skipping entries without an id', async () => {
    let authorization: string | null = null;
    mockServer.use(
      http.get(`${API}/oauth/token/accessible-resources`, ({ request }) => {
        authorization = request.headers.get('authorization');
        return HttpResponse.json([
          { id: 'c1', name: 'acme', url: 'https://acme.atlassian.net', scopes: ['read:page:confluence'] },
          { id: 'c2' },
          { name: 'no id' },
          { id: 3 },
        ]);
      }),
    );
    expect(await oauth().accessibleResources('at-1')).toEqual([
      { cloudId: 'c1', name: 'acme', url: 'https://acme.atlassian.net', scopes: ['read:page:confluence'] },
      { cloudId: 'c2', name: 'c2', url: '', scopes: [] },
    ]);
    expect(authorization).toBe('Bearer at-1');
  });

  it('refuses an accessible-resources answer that is not a list, and maps its failures like the token endpoint', async () => {
    mockServer.use(
      http.get(`${API}/oauth/token/accessible-resources`, () => HttpResponse.json({ id: 'c1' })),
    );
    await expect(oauth().accessibleResources('at')).rejects.toThrow(
      new OAuthUnavailableError('accessible-resources answered something other than a list'),
    );
    mockServer.use(
      http.get(`${API}/oauth/token/accessible-resources`, () =>
        HttpResponse.json({ error: 'invalid_grant' }, { status: 401 }),
      ),
    );
    await expect(oauth().accessibleResources('at')).rejects.toBeInstanceOf(InvalidGrantError);
    mockServer.use(
      http.get(`${API}/oauth/token/accessible-resources`, () => new HttpResponse(null, { status: 502 })),
    );
    await expect(oauth().accessibleResources('at')).rejects.toThrow("Atlassian's OAuth server answered 502");
  });

  it('does not retry a failed request: a refresh token is spent once', async () => {
    const seen = tokenEndpoint({ error: 'temporarily_unavailable' }, 503);
    await expect(oauth().refresh('rt')).rejects.toBeInstanceOf(OAuthUnavailableError);
    expect(seen).toHaveLength(1);
  });

  it('gives up on a token endpoint that does not answer within its timeout', async () => {
    mockServer.use(
      http.post(`${AUTH}/oauth/token`, async ({ request }) => {
        await new Promise((resolve) => request.signal.addEventListener('abort', resolve));
        return HttpResponse.json({});
      }),
    );
    await expect(oauth({ timeoutMs: 50 }).refresh('rt')).rejects.toBeInstanceOf(OAuthUnavailableError);
  });

  it('uses the real clock when given none', async () => {
    tokenEndpoint({ access_token: 'at', expires_in: 10 });
    const before = Date.now();
    const { now: _, ...rest } = {
      authBaseUrl: AUTH,
      apiBaseUrl: API,
      clientId: 'app-id',
      clientSecret: 's',
      redirectUri: 'https://x.example/cb',
      scopes: [],
      timeoutMs: 2000,
      userAgent: 'u',
      now: undefined,
    };
    const tokens = await new AtlassianOAuth(rest).exchangeCode('c');
    expect(tokens.expiresAt).toBeGreaterThanOrEqual(before + 10_000);
    expect(tokens.expiresAt).toBeLessThanOrEqual(Date.now() + 10_000);
  });
});
