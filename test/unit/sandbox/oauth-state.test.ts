import { describe, expect, it } from 'vitest';
import { OAuthState, TOKEN_RULES } from '../../../src/sandbox/oauth-state.js';

function setup() {
  let now = Date.parse('2026-06-01T00:00:00Z');
  const state = new OAuthState(() => now);
  state.registerClient({ clientId: 'app', clientSecret: 's3cret', redirectUris: ['http://localhost/cb'] });
  const code = state.issueCode({
    clientId: 'app',
    redirectUri: 'http://localhost/cb',
    accountId: 'u1',
    scopes: new Set(['read:page:confluence', 'offline_access']),
    cloudIds: ['c1'],
  });
  const client = { client_id: 'app', client_secret: 's3cret' };
  const advance = (ms: number) => {
    now += ms;
  };
  return { state, code, client, advance };
}

function tokens(outcome: ReturnType<OAuthState['refresh']>) {
  if (!outcome.ok) throw new Error(`expected tokens, got ${outcome.body.error}`);
  return outcome.body;
}

describe("the sandbox's OAuth rules", () => {
  it('exchanges a code once, for tokens that work', () => {
    const { state, code, client } = setup();
    const first = state.exchangeCode({ ...client, code, redirect_uri: 'http://localhost/cb' });
    const body = tokens(first);
    expect(body.refresh_token).toBeDefined();
    expect(state.accessToken(body.access_token)?.accountId).toBe('u1');
    const replay = state.exchangeCode({ ...client, code, redirect_uri: 'http://localhost/cb' });
    expect(replay).toMatchObject({ ok: false, status: 403, body: { error: 'invalid_grant' } });
  });

  it('refuses a wrong client secret with 401 access_denied', () => {
    const { state, code } = setup();
    const outcome = state.exchangeCode({
      client_id: 'app',
      client_secret: 'nope',
      code,
      redirect_uri: 'http://localhost/cb',
    });
    expect(outcome).toMatchObject({ ok: false, status: 401, body: { error: 'access_denied' } });
  });

  it('refuses a code for another redirect URI', () => {
    const { state, code, client } = setup();
    const outcome = state.exchangeCode({ ...client, code, redirect_uri: 'http://localhost/other' });
    expect(outcome).toMatchObject({ ok: false, body: { error: 'invalid_grant' } });
  });

  it('expires access tokens after an hour', () => {
    const { state, code, client, advance } = setup();
    const { access_token } = tokens(
      state.exchangeCode({ ...client, code, redirect_uri: 'http://localhost/cb' }),
    );
    advance(TOKEN_RULES.accessTokenSeconds * 1000 + 1);
    expect(state.accessToken(access_token)).toBeUndefined();
  });

  it('rotates refresh tokens, allows reuse of the old one within 10 minutes, and revokes the family after', () => {
    const { state, code, client, advance } = setup();
    const first = tokens(state.exchangeCode({ ...client, code, redirect_uri: 'http://localhost/cb' }));
    const second = tokens(state.refresh({ ...client, refresh_token: first.refresh_token }));
    expect(second.refresh_token).not.toBe(first.refresh_token);
    advance(5 * 60_000);
    tokens(state.refresh({ ...client, refresh_token: first.refresh_token }));
    advance(6 * 60_000);
    const late = state.refresh({ ...client, refresh_token: first.refresh_token });
    expect(late).toMatchObject({ ok: false, status: 403, body: { error: 'invalid_grant' } });
    // The theft response kills every token of the family, the newest included.
    expect(state.refresh({ ...client, refresh_token: second.refresh_token })).toMatchObject({ ok: false });
  });

  it('ends a family after 90 days without use', () => {
    const { state, code, client, advance } = setup();
    const first = tokens(state.exchangeCode({ ...client, code, redirect_uri: 'http://localhost/cb' }));
    advance(TOKEN_RULES.inactivityMs + 1);
    expect(state.refresh({ ...client, refresh_token: first.refresh_token })).toMatchObject({ ok: false });
  });

  it('counts token requests by grant', () => {
    const { state, code, client } = setup();
    const first = tokens(state.exchangeCode({ ...client, code, redirect_uri: 'http://localhost/cb' }));
    state.refresh({ ...client, refresh_token: first.refresh_token });
    expect(state.stats).toEqual({ authorization_code: 1, refresh_token: 1 });
  });
});

describe("the sandbox's OAuth state across a restart (dev keeps it in a file)", () => {
  it('restores apps and live grants from a JSON snapshot, with the rotation rules still in force', () => {
    const { state, code, client } = setup();
    let changes = 0;
    state.onChange = () => {
      changes++;
    };
    const first = tokens(state.exchangeCode({ ...client, code, redirect_uri: 'http://localhost/cb' }));
    const second = tokens(state.refresh({ ...client, refresh_token: first.refresh_token }));
    expect(changes).toBeGreaterThanOrEqual(2);

    let now = Date.parse('2026-06-01T00:00:00Z');
    const restored = new OAuthState(() => now);
    restored.restore(JSON.parse(JSON.stringify(state.snapshot())));
    expect(restored.clients.get('app')?.redirectUris.has('http://localhost/cb')).toBe(true);
    expect(restored.accessToken(second.access_token)?.accountId).toBe('u1');
    expect(restored.accessToken(second.access_token)?.scopes.has('read:page:confluence')).toBe(true);
    const third = tokens(restored.refresh({ ...client, refresh_token: second.refresh_token }));
    expect(restored.accessToken(third.access_token)?.accountId).toBe('u1');
    // The rotated first token, reused after the leeway, still revokes the whole family.
    now += TOKEN_RULES.reuseLeewayMs + 1;
    expect(restored.refresh({ ...client, refresh_token: first.refresh_token })).toMatchObject({
      ok: false,
      body: { error: 'invalid_grant' },
    });
    expect(restored.refresh({ ...client, refresh_token: third.refresh_token })).toMatchObject({ ok: false });
  });

  it('leaves out expired access tokens and revoked families', () => {
    const { state, code, client, advance } = setup();
    const first = tokens(state.exchangeCode({ ...client, code, redirect_uri: 'http://localhost/cb' }));
    state.revokeAccount('u1');
    advance(TOKEN_RULES.accessTokenSeconds * 1000 + 1);
    const snapshot = state.snapshot();
    expect(snapshot.access).toEqual([]);
    expect(snapshot.refresh).toEqual([]);
    expect(JSON.stringify(snapshot)).not.toContain(first.refresh_token as string);
  });
});
