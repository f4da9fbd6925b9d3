import { HttpResponse, http } from 'msw';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectFlow } from '../../../../src/auth/atlassian/connect-flow.js';
import { ConnectionManager } from '../../../../src/auth/atlassian/connections.js';
import { AtlassianOAuth, type AtlassianSite } from '../../../../src/auth/atlassian/oauth-client.js';
import { OAuthSessions } from '../../../../src/auth/atlassian/sessions.js';
import { StoreRecords } from '../../../../src/auth/records.js';
import { type Caller, NotConnectedError, UnknownSiteError } from '../../../../src/auth/session.js';
import { EncryptionKeyring } from '../../../../src/auth/store/keys.js';
import { createMemoryBackend } from '../../../../src/auth/store/memory-backend.js';
import { createSecretStore } from '../../../../src/auth/store/secret-store.js';
import type { SecretStore } from '../../../../src/auth/store/types.js';
import { getCurrentUser } from '../../../../src/confluence/endpoints/users.js';
import { mockServer } from '../../../support/msw.js';

const AUTH = 'https://auth.atlassian.test';
const API = 'https://api.atlassian.test';
const ACME: AtlassianSite = {
  cloudId: 'cloud-acme',
  name: 'acme',
  url: 'https://acme.atlassian.net',
  scopes: ['read:page:confluence'],
};
const BETA: AtlassianSite = {
  cloudId: 'cloud-beta',
  name: 'beta',
  url: 'https://beta.atlassian.net',
  scopes: ['read:page:confluence'],
};
const PRIYA: Caller = { userKey: 'priya-key', label: 'Priya' };

const keys = new EncryptionKeyring([{ id: 'k1', key: Buffer.alloc(32, 4) }]);
const stores: SecretStore[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

function setup(maxClients?: number) {
  const store = createSecretStore(createMemoryBackend(), { keys });
  stores.push(store);
  const oauth = new AtlassianOAuth({
    authBaseUrl: AUTH,
    apiBaseUrl: API,
    clientId: 'app',
    clientSecret: 'secret',
    redirectUri: 'https://mcp.example.com/integration-callback',
    scopes: ['read:page:confluence', 'offline_access'],
    timeoutMs: 2000,
    userAgent: 'test',
  });
  const manager = new ConnectionManager({ store, records: new StoreRecords(keys), oauth });
  const links: Caller[] = [];
  // The connect flow's only part sessions use: a fresh link for a caller.
  const flow = {
    createLink: async (caller: Caller) => {
      links.push(caller);
      return `https://mcp.example.com/connect/${caller.userKey}`;
    },
  } as unknown as ConnectFlow;
  const sessions = new OAuthSessions(manager, flow, API, { timeoutMs: 2000, userAgent: 'test' }, maxClients);
  return { sessions, manager, links };
}

/** Confluence at a cloud id, answering /user/current with whichever bearer token it got. */
function confluenceEcho(cloudId: string) {
  mockServer.use(
    http.get(`${API}/ex/confluence/${cloudId}/wiki/rest/api/user/current`, ({ request }) =>
      HttpResponse.json({ accountId: 'u', displayName: request.headers.get('authorization') }),
    ),
  );
}

describe('OAuthSessions', () => {
  it('refuses a request that carries no verified user', async () => {
    const { sessions } = setup();
    const attempts: (() => Promise<unknown>)[] = [
      () => sessions.session(undefined, {}),
      () => sessions.describe(undefined),
      () => sessions.disconnect(undefined),
    ];
    for (const attempt of attempts) {
      await expect(Promise.resolve().then(attempt)).rejects.toMatchObject({
        name: 'NotConnectedError',
        reason: 'no-identity',
        message: 'This request carries no verified user identity.',
      });
    }
  });

  it('gives a user who has not connected a link to connect, made for that user', async () => {
    const { sessions, links } = setup();
    const error = await sessions.session(PRIYA, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotConnectedError);
    expect(error).toMatchObject({
      reason: 'none',
      message: 'You have not connected your Atlassian account yet.',
      connectUrl: 'https://mcp.example.com/connect/priya-key',
    });
    expect(links).toEqual([PRIYA]);
    expect(await sessions.connectUrl(PRIYA)).toBe('https://mcp.example.com/connect/priya-key');
  });

  it('acts as the connected user on the site they name, with the scopes they granted', async () => {
    const { sessions, manager } = setup();
    await manager.save(
      PRIYA.userKey,
      {
        accessToken: 'at-priya',
        refreshToken: 'rt',
        expiresAt: Date.now() + 3600_000,
        scopes: ['read:page:confluence'],
      },
      [ACME, BETA],
    );
    confluenceEcho('cloud-beta');
    const session = await sessions.session(PRIYA, { named: 'beta' });
    expect(session.grantedScopes).toEqual(new Set(['read:page:confluence']));
    expect((await getCurrentUser(session.confluence)).displayName).toBe('Bearer at-priya');
    await expect(sessions.session(PRIYA, { named: 'gamma' })).rejects.toBeInstanceOf(UnknownSiteError);
  });

  it('refreshes an expired token when a request needs it, and keeps the fresh one for the next request', async () => {
    const { sessions, manager } = setup();
    await manager.save(
      PRIYA.userKey,
      { accessToken: 'old', refreshToken: 'rt', expiresAt: Date.now() - 1, scopes: ['read:page:confluence'] },
      [ACME],
    );
    let refreshes = 0;
    mockServer.use(
      http.post(`${AUTH}/oauth/token`, () => {
        refreshes += 1;
        return HttpResponse.json({
          access_token: `new-${refreshes}`,
          refresh_token: 'rt2',
          expires_in: 3600,
        });
      }),
    );
    confluenceEcho('cloud-acme');
    const session = await sessions.session(PRIYA, {});
    expect((await getCurrentUser(session.confluence)).displayName).toBe('Bearer new-1');
    expect((await getCurrentUser(session.confluence)).displayName).toBe('Bearer new-1');
    expect(refreshes).toBe(1);
  });

  it('reuses one client per user and site, and never lets two interleaved users act with each other’s token', async () => {
    const { sessions, manager } = setup();
    const SAM: Caller = { userKey: 'sam-key', label: 'Sam' };
    const later = Date.now() + 3600_000;
    const grant = (accessToken: string) => ({
      accessToken,
      refreshToken: 'rt',
      expiresAt: later,
      scopes: ['read:page:confluence'],
    });
    await manager.save(PRIYA.userKey, grant('at-priya'), [ACME, BETA]);
    await manager.save(SAM.userKey, grant('at-sam'), [ACME]);
    confluenceEcho('cloud-acme');
    confluenceEcho('cloud-beta');
    const calls = Array.from({ length: 30 }, async (_, i) => {
      const who = i % 3 === 0 ? SAM : PRIYA;
      const site = who === PRIYA && i % 2 ? 'beta' : 'acme';
      const session = await sessions.session(who, { named: site });
      const me = await getCurrentUser(session.confluence);
      return { who, site, client: session.confluence, token: me.displayName };
    });
    const answers = await Promise.all(calls);
    for (const a of answers) expect(a.token).toBe(a.who === SAM ? 'Bearer at-sam' : 'Bearer at-priya');
    const clientsOf = (who: Caller, site: string) =>
      new Set(answers.filter((a) => a.who === who && a.site === site).map((a) => a.client));
    expect(clientsOf(PRIYA, 'acme').size).toBe(1);
    expect(clientsOf(PRIYA, 'beta').size).toBe(1);
    expect(clientsOf(SAM, 'acme').size).toBe(1);
    const [priyaAcme] = clientsOf(PRIYA, 'acme');
    const [samAcme] = clientsOf(SAM, 'acme');
    const [priyaBeta] = clientsOf(PRIYA, 'beta');
    expect(new Set([priyaAcme, samAcme, priyaBeta]).size).toBe(3);
  });

  it('acts with the connection the store holds now, when the user reconnected since their client was made', async () => {
    const { sessions, manager } = setup();
    const later = Date.now() + 3600_000;
    await manager.save(
      PRIYA.userKey,
      { accessToken: 'first', refreshToken: 'rt', expiresAt: later, scopes: [] },
      [ACME],
    );
    confluenceEcho('cloud-acme');
    const before = await sessions.session(PRIYA, {});
    expect((await getCurrentUser(before.confluence)).displayName).toBe('Bearer first');
    await manager.save(
      PRIYA.userKey,
      { accessToken: 'second', refreshToken: 'rt', expiresAt: later, scopes: [] },
      [ACME],
    );
    const after = await sessions.session(PRIYA, {});
    expect(after.confluence).toBe(before.confluence);
    expect((await getCurrentUser(after.confluence)).displayName).toBe('Bearer second');
    await manager.disconnect(PRIYA.userKey);
    await expect(sessions.session(PRIYA, {})).rejects.toMatchObject({ reason: 'none' });
  });

  it('keeps at most maxClients clients, dropping the least recently used', async () => {
    const { sessions, manager } = setup(2);
    const later = Date.now() + 3600_000;
    const users = ['a', 'b', 'c'].map((k): Caller => ({ userKey: k, label: k }));
    for (const u of users)
      await manager.save(
        u.userKey,
        { accessToken: `at-${u.userKey}`, refreshToken: 'rt', expiresAt: later, scopes: [] },
        [ACME],
      );
    const clientOf = async (u: Caller) => (await sessions.session(u, {})).confluence;
    const [a, b, c] = users as [Caller, Caller, Caller];
    const first = await clientOf(a);
    await clientOf(b);
    expect(await clientOf(a)).toBe(first);
    const bBefore = await clientOf(b);
    await clientOf(c); // evicts a, the least recently used
    expect(await clientOf(b)).toBe(bBefore);
    expect(await clientOf(a)).not.toBe(first);
  });

  it('adds a link to connect again when the connection has ended', async () => {
    const { sessions, manager } = setup();
    await manager.save(
      PRIYA.userKey,
      { accessToken: 'old', refreshToken: 'rt', expiresAt: Date.now() - 1, scopes: [] },
      [ACME],
    );
    mockServer.use(
      http.post(`${AUTH}/oauth/token`, () => HttpResponse.json({ error: 'invalid_grant' }, { status: 403 })),
    );
    const session = await sessions.session(PRIYA, {});
    await expect(getCurrentUser(session.confluence)).rejects.toMatchObject({
      name: 'NotConnectedError',
      reason: 'revoked',
      connectUrl: 'https://mcp.example.com/connect/priya-key',
    });
  });

  it('passes other refresh failures on as they are', async () => {
    const { sessions, manager } = setup();
    await manager.save(
      PRIYA.userKey,
      { accessToken: 'old', refreshToken: 'rt', expiresAt: Date.now() - 1, scopes: [] },
      [ACME],
    );
    mockServer.use(http.post(`${AUTH}/oauth/token`, () => new HttpResponse(null, { status: 503 })));
    const session = await sessions.session(PRIYA, {});
    await expect(getCurrentUser(session.confluence)).rejects.toMatchObject({ name: 'OAuthUnavailableError' });
  });

  it('describes a connection without any token: account, sites with the default first, scopes and dates', async () => {
    const { sessions, manager } = setup();
    const expiresAt = Date.UTC(2030, 0, 2, 3, 4, 5);
    const record = await manager.save(
      PRIYA.userKey,
      { accessToken: 'secret-at', refreshToken: 'secret-rt', expiresAt, scopes: ['read:page:confluence'] },
      [ACME, BETA],
      { accountId: 'acc-1', name: 'Priya P', email: 'priya@acme.example' },
    );
    const described = await sessions.describe(PRIYA);
    expect(described).toEqual({
      connected: true,
      kind: 'oauth',
      account: { accountId: 'acc-1', name: 'Priya P', email: 'priya@acme.example' },
      sites: [
        { cloudId: 'cloud-acme', name: 'acme', url: 'https://acme.atlassian.net', default: true },
        { cloudId: 'cloud-beta', name: 'beta', url: 'https://beta.atlassian.net', default: false },
      ],
      scopes: ['read:page:confluence'],
      accessTokenExpiresAt: '2030-01-02T03:04:05.000Z',
      connectedAt: new Date(record.createdAt).toISOString(),
    });
    expect(JSON.stringify(described)).not.toMatch(/secret/);
  });

  it('describes only the account fields it knows, and no account when it knows none', async () => {
    const { sessions, manager } = setup();
    const tokens = { accessToken: 'a', refreshToken: 'r', expiresAt: Date.now() + 3600_000, scopes: [] };
    await manager.save(PRIYA.userKey, tokens, [ACME], { name: 'Priya P' });
    expect((await sessions.describe(PRIYA)).account).toEqual({ name: 'Priya P' });
    await manager.save(PRIYA.userKey, tokens, [ACME], { email: 'p@acme.example' });
    expect((await sessions.describe(PRIYA)).account).toEqual({ email: 'p@acme.example' });
    await manager.save(PRIYA.userKey, tokens, [ACME], { accountId: 'acc' });
    expect((await sessions.describe(PRIYA)).account).toEqual({ accountId: 'acc' });
    await manager.save(PRIYA.userKey, tokens, [ACME], {});
    expect(await sessions.describe(PRIYA)).not.toHaveProperty('account');
    await manager.save(PRIYA.userKey, tokens, [ACME]);
    expect(await sessions.describe(PRIYA)).not.toHaveProperty('account');
  });

  it('describes a user who has not connected with a link to connect', async () => {
    const { sessions } = setup();
    expect(await sessions.describe(PRIYA)).toEqual({
      connected: false,
      kind: 'none',
      connectUrl: 'https://mcp.example.com/connect/priya-key',
    });
  });

  it('disconnects only the caller', async () => {
    const { sessions, manager } = setup();
    const tokens = { accessToken: 'a', refreshToken: 'r', expiresAt: Date.now() + 3600_000, scopes: [] };
    await manager.save(PRIYA.userKey, tokens, [ACME]);
    await manager.save('sam-key', tokens, [ACME]);
    expect(await sessions.disconnect(PRIYA)).toBe(true);
    expect(await sessions.disconnect(PRIYA)).toBe(false);
    expect(await manager.get(PRIYA.userKey)).toBeUndefined();
    expect(await manager.get('sam-key')).toBeDefined();
  });
});
