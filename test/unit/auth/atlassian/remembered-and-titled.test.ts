// Two promises mutation testing showed untested: looking up users who have no connection does not push a known
// user's record out of what is kept for a store outage, and the page for a sign-in that came back without a code
// has its title.
import { describe, expect, it } from 'vitest';
import { BrowserLoginStep } from '../../../../src/auth/atlassian/browser-login.js';
import { ConnectionManager } from '../../../../src/auth/atlassian/connections.js';
import { AtlassianOAuth } from '../../../../src/auth/atlassian/oauth-client.js';
import type { StorePort } from '../../../../src/auth/atlassian/store-port.js';
import { StoreRecords } from '../../../../src/auth/records.js';
import { generateEncryptionKey, parseEncryptionKeys } from '../../../../src/auth/store/index.js';
import { StoreUnavailableError } from '../../../../src/auth/store/store-unavailable-error.js';
import { silentLogger } from '../../../../src/log.js';
import { cookiesOf, memoryStore, request } from '../../../support/connect-requests.js';

const records = new StoreRecords(parseEncryptionKeys(generateEncryptionKey('t')));

describe('the records kept for a store outage', () => {
  it('are not pushed out by lookups of users who have no connection', async () => {
    const inner = memoryStore();
    let down = false;
    const store: StorePort = {
      ...inner,
      get: async (key) => {
        if (down) throw new StoreUnavailableError('redis unreachable');
        return inner.get(key);
      },
    };
    const now = 1_000_000;
    const oauth = new AtlassianOAuth({
      authBaseUrl: 'https://auth.atlassian.test',
      apiBaseUrl: 'https://api.atlassian.test',
      clientId: 'app',
      clientSecret: 'secret',
      redirectUri: 'https://mcp.example.com/integration-callback',
      scopes: ['offline_access'],
      timeoutMs: 5000,
      userAgent: 'test',
    });
    const m = new ConnectionManager({ store, records, oauth, now: () => now });
    await m.save(
      'known',
      { accessToken: 'a0', refreshToken: 'r0', expiresAt: now + 3_600_000, scopes: [] },
      [],
    );
    for (let i = 0; i < 10_000; i++) expect(await m.get(`nobody-${i}`)).toBeUndefined();
    down = true;
    expect((await m.get('known'))?.accessToken).toBe('a0');
  });
});

describe('a sign-in that came back without a code', () => {
  it('ends on a page titled "Nothing was connected"', async () => {
    const store = memoryStore();
    const step = new BrowserLoginStep({
      store,
      records,
      provider: {
        authorizationEndpoint: async () => 'https://idp.example/authorize',
        authorizeUrl: async ({ state }) => `https://idp.example/authorize?state=${state}`,
        exchangeCode: async () => 'id-token',
        verifyIdToken: async () => ({ issuer: 'i', subject: 's', label: 's' }),
      },
      secure: true,
      log: silentLogger,
    });
    const slot = 's'.repeat(43);
    const started = await request(
      (_req, res) => step.start(res, `${slot}${'n'.repeat(43)}`, slot),
      'POST',
      '/x',
    );
    const state = new URL(started.headers.location as string).searchParams.get('state') as string;
    const cookie = (cookiesOf(started)[0] as string).split(';')[0] as string;
    const back = await request(
      async (req, res) => void (await step.finish(req, res)),
      'GET',
      `/connect/login-callback?state=${state}`,
      { cookie },
    );
    expect(back.status).toBe(400);
    expect(back.body).toContain('<title>Nothing was connected</title>');
    expect(back.body).toContain('<h1>Nothing was connected</h1>');
  });
});
