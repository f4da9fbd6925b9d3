import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import {
  type BrowserLoginProvider,
  boundToBrowser,
  type LoginRecord,
} from '../../../../src/auth/atlassian/browser-login.js';
import { ConnectFlow } from '../../../../src/auth/atlassian/connect-flow.js';
import type { ConnectionManager } from '../../../../src/auth/atlassian/connections.js';
import { sha256 } from '../../../../src/auth/atlassian/flow-secrets.js';
import type { AtlassianOAuth } from '../../../../src/auth/atlassian/oauth-client.js';
import { pkceChallenge } from '../../../../src/auth/atlassian/oidc-login.js';
import type { StorePort } from '../../../../src/auth/atlassian/store-port.js';
import { StoreRecords } from '../../../../src/auth/records.js';
import { generateEncryptionKey, parseEncryptionKeys } from '../../../../src/auth/store/index.js';
import { silentLogger } from '../../../../src/log.js';

const ISSUER = 'https://idp.example.com';

/** A store in memory, enough for the flow: single-use reads, no expiry. */
function memoryStore(): StorePort & { keys(): string[] } {
  const data = new Map<string, unknown>();
  return {
    keys: () => [...data.keys()],
    get: async <T>(key: string) => data.get(key) as T | undefined,
    set: async (key, value) => void data.set(key, value),
    delete: async (key) => data.delete(key),
    take: async <T>(key: string) => {
      const value = data.get(key) as T | undefined;
      data.delete(key);
      return value;
    },
    add: async (key, value) => {
      if (data.has(key)) return false;
      data.set(key, value);
      return true;
    },
    withLock: (_name, _options, fn) => fn(),
  };
}

/** The records the flow keeps for people (links, sign-ins, consents), not the fleet-wide link counter. */
const flowKeys = (store: ReturnType<typeof memoryStore>) =>
  store.keys().filter((k) => !k.startsWith('linkcount:'));

/** An identity provider that signs in whoever the test says, and remembers what it was sent. */
function fakeProvider(signedIn: { subject: string }) {
  const seen: { challenge?: string; nonce?: string; verifier?: string; code?: string } = {};
  const provider: BrowserLoginProvider = {
    async authorizationEndpoint() {
      return `${ISSUER}/authorize`;
    },
    async authorizeUrl({ state, nonce, codeChallenge }) {
      seen.challenge = codeChallenge;
      seen.nonce = nonce;
      return `${ISSUER}/authorize?state=${state}`;
    },
    async exchangeCode(code, verifier) {
      seen.code = code;
      seen.verifier = verifier;
      return 'id-token';
    },
    async verifyIdToken(_token, nonce) {
      expect(nonce).toBe(seen.nonce);
      return { issuer: ISSUER, subject: signedIn.subject, label: `${signedIn.subject} (idp)` };
    },
  };
  return { provider, seen };
}

interface Answer {
  status: number;
  headers: Record<string, string | string[]>;
  body: string;
}

async function request(
  flow: ConnectFlow,
  method: string,
  url: string,
  cookie?: string,
  form?: Record<string, string>,
): Promise<Answer> {
  const body = form ? new URLSearchParams(form).toString() : '';
  const req = {
    method,
    url,
    headers: cookie ? { cookie } : {},
    async *[Symbol.asyncIterator]() {
      if (body) yield Buffer.from(body);
    },
  } as unknown as IncomingMessage;
  const answer: Answer = { status: 0, headers: {}, body: '' };
  const res = {
    writeHead(status: number, headers: Record<string, string | string[]> = {}) {
      answer.status = status;
      answer.headers = headers;
      return res;
    },
    end(body?: string) {
      answer.body = body ?? '';
      return res;
    },
  } as unknown as ServerResponse;
  await flow.handle(req, res, url.split('?')[0] as string);
  return answer;
}

const cookiesOf = (answer: Answer) => [answer.headers['set-cookie'] ?? []].flat();
const loginCookie = (answer: Answer) =>
  cookiesOf(answer)
    .find((c) => c.startsWith('cmcp_login='))
    ?.split(';')[0] as string;

function setup(subject: string) {
  const store = memoryStore();
  const { provider, seen } = fakeProvider({ subject });
  const flow = new ConnectFlow({
    store,
    oauth: {
      authorizeUrl: (state: string) => `https://auth.example/authorize?state=${state}`,
    } as AtlassianOAuth,
    manager: {} as ConnectionManager,
    publicUrl: 'https://mcp.example.com',
    callbackPath: '/integration-callback',
    authOrigin: 'https://auth.example',
    records: new StoreRecords(parseEncryptionKeys(generateEncryptionKey('t'))),
    browserLogin: provider,
    log: silentLogger,
  });
  return { store, seen, flow };
}

const csrfOf = (answer: Answer) => ({
  cookie: cookiesOf(answer)
    .find((c) => c.startsWith('cmcp_csrf='))
    ?.split(';')[0] as string,
  field: /name="csrf" value="([^"]+)"/.exec(answer.body)?.[1] as string,
});

/** Opens the link's page and presses "Sign in" on it. */
async function signIn(flow: ConnectFlow, path: string) {
  const page = await request(flow, 'GET', path);
  expect(page.status).toBe(200);
  const csrf = csrfOf(page);
  return request(flow, 'POST', path, csrf.cookie, { csrf: csrf.field, decision: 'sign-in' });
}

async function startFor(flow: ConnectFlow, callerSubject: string) {
  const link = await flow.createLink({
    userKey: JSON.stringify([ISSUER, callerSubject]),
    label: callerSubject,
  });
  const path = new URL(link).pathname;
  const opened = await signIn(flow, path);
  const state = new URL(opened.headers.location as string).searchParams.get('state') as string;
  return { path, opened, state, cookie: loginCookie(opened) };
}

describe('connect links with browser login', () => {
  it('opens on a page that stores nothing and names no one, whose button posts to start signing in', async () => {
    const { flow, store } = setup('alice');
    const link = await flow.createLink({ userKey: JSON.stringify([ISSUER, 'alice']), label: 'alice@acme' });
    const before = flowKeys(store);
    const page = await request(flow, 'GET', new URL(link).pathname);
    expect(page.status).toBe(200);
    expect(page.body).toContain(`<form method="post" action="${new URL(link).pathname}">`);
    expect(page.body).not.toContain('alice');
    // The form may lead to the identity provider's sign-in page, and nowhere else.
    expect(page.headers['content-security-policy']).toContain(`form-action 'self' ${ISSUER}`);
    expect(flowKeys(store)).toEqual(before);
  });

  it('starts a sign-in only on a POST carrying the page’s CSRF token and cookie', async () => {
    const { flow, store } = setup('alice');
    const link = await flow.createLink({ userKey: JSON.stringify([ISSUER, 'alice']), label: 'alice' });
    const path = new URL(link).pathname;
    const page = await request(flow, 'GET', path);
    const csrf = csrfOf(page);
    const attempts = [
      request(flow, 'POST', path, undefined, { csrf: csrf.field }),
      request(flow, 'POST', path, csrf.cookie, { csrf: 'guess' }),
      request(flow, 'POST', path, 'cmcp_csrf=guess', { csrf: csrf.field }),
      request(flow, 'POST', path, csrf.cookie),
    ];
    for (const answer of await Promise.all(attempts)) {
      expect(answer.status).toBe(403);
      expect(answer.headers.location).toBeUndefined();
    }
    expect(store.keys().some((k) => k.startsWith('signin:'))).toBe(false);
    // The link survives forged posts and still works from its own page.
    expect((await signIn(flow, path)).status).toBe(303);
  });

  it('keeps one sign-in per user: pressing again replaces the earlier one, whose callback is then refused', async () => {
    const { flow, store } = setup('alice');
    const first = await startFor(flow, 'alice');
    const second = await signIn(flow, first.path);
    expect(store.keys().filter((k) => k.startsWith('signin:'))).toHaveLength(1);
    const stale = await request(
      flow,
      'GET',
      `/connect/login-callback?code=c1&state=${first.state}`,
      first.cookie,
    );
    expect(stale.status).toBe(400);
    const state = new URL(second.headers.location as string).searchParams.get('state') as string;
    const fresh = await request(
      flow,
      'GET',
      `/connect/login-callback?code=c2&state=${state}`,
      loginCookie(second),
    );
    expect(fresh.status).toBe(303);
  });

  it('sends the browser to sign in with a PKCE challenge, binding the sign-in to it with a cookie', async () => {
    const { flow, seen, store } = setup('alice');
    const { opened, cookie } = await startFor(flow, 'alice');
    expect(opened.status).toBe(303);
    expect(opened.headers.location).toMatch(/^https:\/\/idp\.example\.com\/authorize\?state=/);
    const set = cookiesOf(opened).join('\n');
    expect(set).toMatch(
      /^cmcp_login=[A-Za-z0-9_-]{43}; Path=\/connect\/login-callback; HttpOnly; SameSite=Lax;/,
    );
    expect(set).toContain('; Secure');
    const record = await store.get<LoginRecord>(store.keys().find((k) => k.startsWith('signin:')) as string);
    expect(seen.challenge).toBe(pkceChallenge(record?.codeVerifier as string));
    // The store keeps hashes of what the browser holds, not the values.
    expect(record?.binder).toBe(sha256(cookie.slice('cmcp_login='.length)));
    expect(JSON.stringify(store.keys())).not.toContain(cookie.slice('cmcp_login='.length));
  });

  it('continues to Atlassian when the signed-in subject is the link’s caller, redeeming the code with the verifier', async () => {
    const { flow, seen, store } = setup('alice');
    const { path, state, cookie } = await startFor(flow, 'alice');
    const back = await request(flow, 'GET', `/connect/login-callback?code=c1&state=${state}`, cookie);
    expect(back.status).toBe(303);
    expect(back.headers.location).toMatch(/^https:\/\/auth\.example\/authorize\?state=/);
    expect(cookiesOf(back).some((c) => c.startsWith('cmcp_oauth='))).toBe(true);
    expect(cookiesOf(back)).toContain('cmcp_login=; Path=/connect/login-callback; Max-Age=0');
    expect(seen.code).toBe('c1');
    expect(pkceChallenge(seen.verifier as string)).toBe(seen.challenge);
    expect(store.keys().some((k) => k.startsWith('link:'))).toBe(false);
    expect((await request(flow, 'GET', path)).status).toBe(410);
  });

  it('refuses another subject with a page naming who signed in, and spends the link', async () => {
    const { flow, store } = setup('victor');
    const { path, state, cookie } = await startFor(flow, 'mallory');
    const back = await request(flow, 'GET', `/connect/login-callback?code=c1&state=${state}`, cookie);
    expect(back.status).toBe(403);
    expect(back.headers.location).toBeUndefined();
    expect(back.body).toContain('You are signed in as <strong>victor (idp)</strong>');
    expect(back.body).toContain('this link was made for someone else. Nothing was connected.');
    expect(flowKeys(store)).toEqual([]);
    expect((await request(flow, 'GET', path)).status).toBe(410);
  });

  it('refuses a callback without the cookie of the browser that started, and the sign-in is then spent', async () => {
    const { flow, seen } = setup('alice');
    const { state, cookie } = await startFor(flow, 'alice');
    const stranger = await request(flow, 'GET', `/connect/login-callback?code=c1&state=${state}`);
    expect(stranger.status).toBe(403);
    expect(stranger.body).toContain('started in another browser');
    const forged = await request(
      flow,
      'GET',
      `/connect/login-callback?code=c1&state=${state}`,
      'cmcp_login=not-the-one',
    );
    expect(forged.status).toBe(400);
    const replay = await request(flow, 'GET', `/connect/login-callback?code=c1&state=${state}`, cookie);
    expect(replay.status).toBe(400);
    expect(seen.code).toBeUndefined();
  });

  it('shows an error from the identity provider without redeeming anything, keeping the link', async () => {
    const { flow, seen } = setup('alice');
    const { path, state, cookie } = await startFor(flow, 'alice');
    const denied = await request(
      flow,
      'GET',
      `/connect/login-callback?error=access_denied&state=${state}`,
      cookie,
    );
    expect(denied.status).toBe(200);
    expect(denied.body).toContain('You cancelled signing in.');
    expect(seen.code).toBeUndefined();
    expect((await signIn(flow, path)).status).toBe(303);
  });

  it('answers an unknown link with 410 and no redirect', async () => {
    const { flow } = setup('alice');
    const answer = await request(flow, 'GET', `/connect/${'x'.repeat(43)}`);
    expect(answer.status).toBe(410);
    expect(answer.headers.location).toBeUndefined();
  });
});

describe('boundToBrowser', () => {
  const record: LoginRecord = {
    linkId: 'l',
    state: sha256('s'),
    binder: sha256('cookie-value'),
    codeVerifier: 'v',
    nonce: 'n',
    expiresAt: Date.now() + 60_000,
  };

  it('holds only for the cookie whose hash the record keeps', () => {
    expect(boundToBrowser(record, 'other=1; cmcp_login=cookie-value')).toBe(true);
    expect(boundToBrowser(record, 'cmcp_login=cookie-valuE')).toBe(false);
    expect(boundToBrowser(record, 'cmcp_login=')).toBe(false);
    expect(boundToBrowser(record, undefined)).toBe(false);
  });
});

describe('connect links without browser login', () => {
  it('still show the confirmation page and serve no login callback', async () => {
    const store = memoryStore();
    const flow = new ConnectFlow({
      store,
      oauth: {} as AtlassianOAuth,
      manager: {} as ConnectionManager,
      publicUrl: 'http://127.0.0.1:3000',
      callbackPath: '/integration-callback',
      authOrigin: 'https://auth.example',
      records: new StoreRecords(parseEncryptionKeys(generateEncryptionKey('t'))),
      log: silentLogger,
    });
    const link = await flow.createLink({ userKey: 'u', label: 'Alice Example' });
    const page = await request(flow, 'GET', new URL(link).pathname);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<strong>Alice Example</strong>');
    expect(page.headers['referrer-policy']).toBe('same-origin');
    expect(page.body).toContain('name="csrf"');
    expect(flow.handles('/connect/login-callback')).toBe(false);
  });
});
