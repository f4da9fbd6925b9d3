import type { IncomingMessage, ServerResponse } from 'node:http';
import { SignJWT } from 'jose';
import { HttpResponse, http } from 'msw';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type ConnectCallbackOptions,
  finishConnect,
  type StateRecord,
} from '../../../../src/auth/atlassian/connect-callback.js';
import { ConnectionManager } from '../../../../src/auth/atlassian/connections.js';
import { sha256 } from '../../../../src/auth/atlassian/flow-secrets.js';
import { AtlassianOAuth } from '../../../../src/auth/atlassian/oauth-client.js';
import { StoreRecords } from '../../../../src/auth/records.js';
import { EncryptionKeyring } from '../../../../src/auth/store/keys.js';
import { createMemoryBackend } from '../../../../src/auth/store/memory-backend.js';
import { createSecretStore } from '../../../../src/auth/store/secret-store.js';
import type { SecretStore } from '../../../../src/auth/store/types.js';
import { createLogger } from '../../../../src/log.js';
import { mockServer } from '../../../support/msw.js';

const AUTH = 'https://auth.atlassian.test';
const API = 'https://api.atlassian.test';
const CALLBACK = '/integration-callback';
const CLEAR = `cmcp_oauth=; Path=${CALLBACK}; Max-Age=0`;
const CONFLUENCE_SITE = {
  id: 'cloud-1',
  name: 'acme',
  url: 'https://acme.atlassian.net',
  scopes: ['read:page:confluence', 'write:page:confluence'],
};
const JIRA_SITE = {
  id: 'cloud-2',
  name: 'acme-jira',
  url: 'https://acme-jira.atlassian.net',
  scopes: ['read:jira-work'],
};

const keys = new EncryptionKeyring([{ id: 'k1', key: Buffer.alloc(32, 6) }]);
const records = new StoreRecords(keys);
/** What the connect flow signs its OAuth state with. */
const STATE_KEY = records.flowKey;
const stores: SecretStore[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

function setup(over: Partial<ConnectCallbackOptions> = {}) {
  const store = createSecretStore(createMemoryBackend(), { keys });
  stores.push(store);
  const oauth = new AtlassianOAuth({
    authBaseUrl: AUTH,
    apiBaseUrl: API,
    clientId: 'app',
    clientSecret: 'secret',
    redirectUri: `https://mcp.example.com${CALLBACK}`,
    scopes: ['read:page:confluence', 'offline_access'],
    timeoutMs: 2000,
    userAgent: 'test',
  });
  const manager = new ConnectionManager({ store, records, oauth });
  const lines: Record<string, unknown>[] = [];
  const options: ConnectCallbackOptions = {
    store,
    oauth,
    manager,
    callbackPath: CALLBACK,
    records,
    log: createLogger('debug', {}, (line) => lines.push(JSON.parse(line))),
    now: Date.now,
    ...over,
  };
  return { options, store, manager, lines };
}

/** A started connect: the state record stored, the signed state, and the cookie the starting browser holds. */
async function started(store: SecretStore, record: Partial<StateRecord> = {}, key = STATE_KEY, ttl = '10m') {
  const nonce = `nonce-${Math.random().toString(36).slice(2)}`;
  const slot = `slot-${nonce}`;
  const binder = `binder-${nonce}`;
  await store.set<StateRecord>(
    records.consent(slot),
    {
      userKey: 'priya',
      label: 'Priya',
      nonce,
      binder: sha256(binder),
      expiresAt: Date.now() + 600_000,
      ...record,
    },
    600_000,
  );
  const state = await new SignJWT({ n: nonce, s: slot })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime(ttl)
    .sign(key);
  return { state, cookie: `other=1; cmcp_oauth=${binder}` };
}

/** Atlassian's token endpoint and accessible-resources, as a consent that succeeded. */
function atlassian(sites: unknown[] = [CONFLUENCE_SITE], tokenStatus = 200, tokenBody: unknown = {}) {
  const codes: string[] = [];
  mockServer.use(
    http.post(`${AUTH}/oauth/token`, async ({ request }) => {
      codes.push(((await request.json()) as { code: string }).code);
      return HttpResponse.json(
        {
          access_token: 'at',
          refresh_token: 'rt',
          expires_in: 3600,
          scope: 'read:page:confluence',
          ...(tokenBody as object),
        },
        { status: tokenStatus },
      );
    }),
    http.get(`${API}/oauth/token/accessible-resources`, () => HttpResponse.json(sites)),
  );
  return codes;
}

interface Page {
  status: number;
  headers: Record<string, string | string[]>;
  body: string;
}

async function callback(options: ConnectCallbackOptions, query: Record<string, string>, cookie?: string) {
  const req = {
    url: `${CALLBACK}?${new URLSearchParams(query)}`,
    headers: cookie ? { cookie } : {},
  } as unknown as IncomingMessage;
  const page: Page = { status: 0, headers: {}, body: '' };
  const res = {
    headersSent: false,
    writeHead(status: number, headers: Record<string, string | string[]>) {
      page.status = status;
      page.headers = headers;
      return this;
    },
    end(body: string) {
      page.body = body;
      return this;
    },
  } as unknown as ServerResponse;
  await finishConnect(options, req, res);
  return page;
}

describe('the OAuth callback', () => {
  it('connects the user who started the flow, in the browser that started it, and shows what was connected', async () => {
    const { options, store, manager, lines } = setup({
      whoAmI: async (token, site) => {
        expect(token).toBe('at');
        expect(site.cloudId).toBe('cloud-1');
        return { accountId: 'acc-1', name: 'Priya P', email: 'priya@acme.example' };
      },
    });
    const codes = atlassian([CONFLUENCE_SITE, JIRA_SITE]);
    const { state, cookie } = await started(store);
    const page = await callback(options, { state, code: 'the-code' }, cookie);
    expect(page.status).toBe(200);
    expect(page.headers['set-cookie']).toBe(CLEAR);
    expect(page.body).toContain('<title>Confluence connected</title>');
    expect(page.body).toContain('Connected as <strong>Priya P</strong> (priya@acme.example) for Priya, on:');
    expect(page.body).toContain('<li>acme (https://acme.atlassian.net)</li>');
    expect(page.body).not.toContain('acme-jira');
    expect(codes).toEqual(['the-code']);
    const saved = await manager.get('priya');
    expect(saved).toMatchObject({
      accessToken: 'at',
      refreshToken: 'rt',
      account: { accountId: 'acc-1', name: 'Priya P', email: 'priya@acme.example' },
      sites: [{ cloudId: 'cloud-1', name: 'acme' }],
    });
    expect(lines).toEqual([
      expect.objectContaining({ level: 'info', msg: 'atlassian account connected', sites: 1 }),
    ]);
    expect(JSON.stringify(lines)).not.toMatch(/"at"|"rt"|the-code/);
  });

  it('connects without naming the account when it cannot be told who the account is', async () => {
    const { options, store, manager } = setup({
      whoAmI: async () => {
        throw new Error('user lookup failed');
      },
    });
    atlassian();
    const { state, cookie } = await started(store, { label: 'Priya <script>' });
    const page = await callback(options, { state, code: 'c' }, cookie);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<p>Connected for Priya &lt;script&gt;, on:</p>');
    expect(await manager.get('priya')).not.toHaveProperty('account');
  });

  it('names the account without an email when it has none, and connects without looking it up when it cannot', async () => {
    const named = setup({ whoAmI: async () => ({ name: 'Sam' }) });
    atlassian();
    const one = await started(named.store);
    expect((await callback(named.options, { state: one.state, code: 'c' }, one.cookie)).body).toContain(
      'Connected as <strong>Sam</strong> for Priya',
    );
    const plain = setup();
    const two = await started(plain.store);
    const page = await callback(plain.options, { state: two.state, code: 'c' }, two.cookie);
    expect(page.body).toContain('<p>Connected for Priya, on:</p>');
  });

  it.each([
    ['altered', async (s: string) => `${s.slice(0, -2)}xx`],
    ['missing', async () => ''],
    [
      'signed with another key',
      async () => (await started(setup().store, {}, new Uint8Array(32).fill(9))).state,
    ],
    [
      'without a nonce',
      async () =>
        new SignJWT({ x: 1 }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('10m').sign(STATE_KEY),
    ],
  ])('refuses a state that is %s, connecting nothing', async (_name, make) => {
    const { options, store, manager } = setup();
    const codes = atlassian();
    const { state, cookie } = await started(store);
    const page = await callback(options, { state: await make(state), code: 'c' }, cookie);
    expect(page.status).toBe(400);
    expect(page.body).toContain('This sign-in is not valid');
    expect(page.headers['set-cookie']).toBe(CLEAR);
    expect(codes).toEqual([]);
    expect(await manager.get('priya')).toBeUndefined();
  });

  it('refuses a state that has expired by the server’s clock', async () => {
    const later = Date.now() + 11 * 60_000;
    const { options, store } = setup({ now: () => later });
    atlassian();
    const { state, cookie } = await started(store);
    expect((await callback(options, { state, code: 'c' }, cookie)).status).toBe(400);
  });

  it('accepts a state once: the second use connects nothing', async () => {
    const { options, store } = setup();
    const codes = atlassian();
    const { state, cookie } = await started(store);
    expect((await callback(options, { state, code: 'c1' }, cookie)).status).toBe(200);
    const again = await callback(options, { state, code: 'c2' }, cookie);
    expect(again.status).toBe(400);
    expect(again.body).toContain('This sign-in was already used or has expired');
    expect(again.headers['set-cookie']).toBe(CLEAR);
    expect(codes).toEqual(['c1']);
  });

  it('refuses a callback in another browser, without the cookie or with another one, and spends the state', async () => {
    for (const cookie of [undefined, 'cmcp_oauth=someone-else']) {
      const { options, store, manager } = setup();
      const codes = atlassian();
      const { state, cookie: right } = await started(store);
      const page = await callback(options, { state, code: 'c' }, cookie);
      expect(page.status).toBe(403);
      expect(page.body).toContain('This sign-in was started in another browser');
      expect(page.headers['set-cookie']).toBe(CLEAR);
      expect(codes).toEqual([]);
      expect(await manager.get('priya')).toBeUndefined();
      // A state seen by another browser may have leaked: it cannot be used afterwards even by the right one.
      expect((await callback(options, { state, code: 'c' }, right)).status).toBe(400);
    }
  });

  it('says the user declined when they did, and what Atlassian reported otherwise', async () => {
    const { options, store } = setup();
    const codes = atlassian();
    const declined = await started(store);
    const page = await callback(options, { state: declined.state, error: 'access_denied' }, declined.cookie);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Nothing was connected</title>');
    expect(page.body).toContain('You declined access. You can close this window.');
    expect(page.headers['set-cookie']).toBe(CLEAR);
    const failed = await started(store);
    const other = await callback(options, { state: failed.state, error: 'server_error<b>' }, failed.cookie);
    expect(other.body).toContain('Atlassian reported: server_error&lt;b&gt;.');
    expect(codes).toEqual([]);
  });

  it('connects nothing when Atlassian sends no code', async () => {
    const { options, store, manager } = setup();
    atlassian();
    const { state, cookie } = await started(store);
    const page = await callback(options, { state }, cookie);
    expect(page.status).toBe(400);
    expect(page.body).toContain('Atlassian sent no authorization code.');
    expect(page.headers['set-cookie']).toBe(CLEAR);
    expect(await manager.get('priya')).toBeUndefined();
  });

  it('connects nothing when none of the approved sites has Confluence', async () => {
    const { options, store, manager } = setup();
    atlassian([JIRA_SITE, { ...CONFLUENCE_SITE, scopes: ['read:confluence-ish'] }]);
    const { state, cookie } = await started(store);
    const page = await callback(options, { state, code: 'c' }, cookie);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>No Confluence site was allowed</title>');
    expect(page.headers['set-cookie']).toBe(CLEAR);
    expect(await manager.get('priya')).toBeUndefined();
  });

  it.each([
    [
      403,
      { error: 'invalid_grant' },
      'The authorization code was not accepted (it may have been used already).',
    ],
    [
      401,
      { error: 'unauthorized_client' },
      'This server’s Atlassian app is misconfigured; tell its operator.',
    ],
    [500, { error: 'server_error' }, 'Atlassian could not be reached; try again in a moment.'],
  ])('says why when the code exchange fails with %i, and logs it', async (status, body, reason) => {
    const { options, store, manager, lines } = setup();
    atlassian([CONFLUENCE_SITE], status, body);
    const { state, cookie } = await started(store);
    const page = await callback(options, { state, code: 'c' }, cookie);
    expect(page.status).toBe(502);
    expect(page.body).toContain(`<p>${reason} Ask your assistant for a new link.</p>`);
    expect(page.headers['set-cookie']).toBe(CLEAR);
    expect(await manager.get('priya')).toBeUndefined();
    expect(lines).toEqual([expect.objectContaining({ level: 'warn', msg: 'connect callback failed' })]);
  });
});
