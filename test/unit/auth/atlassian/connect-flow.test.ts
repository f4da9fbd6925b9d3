// The connect flow's routes, in the process: the confirmation page's POST, the cookies and state it hands the
// browser, the bounds on what it reads, and the pages it answers with when something fails.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import type { BrowserLoginProvider } from '../../../../src/auth/atlassian/browser-login.js';
import type { StateRecord } from '../../../../src/auth/atlassian/connect-callback.js';
import { ConnectFlow, type ConnectFlowOptions } from '../../../../src/auth/atlassian/connect-flow.js';
import type { ConnectionManager } from '../../../../src/auth/atlassian/connections.js';
import { sha256 } from '../../../../src/auth/atlassian/flow-secrets.js';
import type { AtlassianOAuth } from '../../../../src/auth/atlassian/oauth-client.js';
import type { StorePort } from '../../../../src/auth/atlassian/store-port.js';
import { StoreRecords } from '../../../../src/auth/records.js';
import { generateEncryptionKey, parseEncryptionKeys } from '../../../../src/auth/store/index.js';
import { LockTimeoutError } from '../../../../src/auth/store/lock-timeout-error.js';
import { StoreUnavailableError } from '../../../../src/auth/store/store-unavailable-error.js';
import { createLogger } from '../../../../src/log.js';
import { type Answer, cookiesOf, memoryStore, request } from '../../../support/connect-requests.js';

const TEN_MINUTES = 600_000;

function setup(over: Partial<ConnectFlowOptions> & { store?: StorePort } = {}) {
  const store = memoryStore();
  const records = new StoreRecords(parseEncryptionKeys(generateEncryptionKey('t')));
  const lines: Array<Record<string, unknown>> = [];
  let now = 1_700_000_000_000;
  const flow = new ConnectFlow({
    store,
    records,
    oauth: {
      authorizeUrl: (state: string) => `https://auth.example/authorize?state=${state}`,
    } as AtlassianOAuth,
    manager: {} as ConnectionManager,
    publicUrl: 'https://mcp.example.com',
    callbackPath: '/integration-callback',
    authOrigin: 'https://auth.example',
    log: createLogger('debug', {}, (line) => lines.push(JSON.parse(line))),
    now: () => now,
    ...over,
  });
  const send = (method: string, path: string, options: Parameters<typeof request>[3] = {}) =>
    request(
      (req: IncomingMessage, res: ServerResponse) => flow.handle(req, res, path),
      method,
      path,
      options,
    );
  return {
    flow,
    store,
    records,
    lines,
    send,
    advance: (ms: number) => {
      now += ms;
    },
    now: () => now,
  };
}

const caller = { userKey: 'issuer|alice', label: 'alice@example.com' };

/** The link's CSRF cookie (as the browser sends it back) and the form's hidden field. */
const csrfOf = (page: Answer) => ({
  cookie: cookiesOf(page)
    .find((c) => c.startsWith('cmcp_csrf='))
    ?.split(';')[0] as string,
  field: /name="csrf" value="([^"]+)"/.exec(page.body)?.[1] as string,
});

/** Opens a new link of `caller`: its path, and what its page handed the browser. */
async function opened(t: ReturnType<typeof setup>) {
  const path = new URL(await t.flow.createLink(caller)).pathname;
  const page = await t.send('GET', path);
  expect(page.status).toBe(200);
  return { path, page, csrf: csrfOf(page) };
}

describe('the paths the flow serves', () => {
  it('serves the callback and link paths only, each exactly', async () => {
    const t = setup();
    const path = new URL(await t.flow.createLink(caller)).pathname;
    const id = path.slice('/connect/'.length);
    expect(t.flow.handles('/integration-callback')).toBe(true);
    expect(t.flow.handles(path)).toBe(true);
    expect(t.flow.isFormTarget(path)).toBe(true);
    for (const other of [
      `${path}/more`,
      `/x${path}`,
      `/connect/${id}?x`,
      '/connect/short',
      `/connect/${'a'.repeat(101)}`,
      '/connect/login-callback',
      '/integration-callback/x',
    ]) {
      expect(t.flow.handles(other)).toBe(false);
      expect(t.flow.isFormTarget(other)).toBe(false);
    }
    expect(t.flow.isFormTarget('/integration-callback')).toBe(false);
  });

  it('answers a method a path does not take with 405 and what it allows', async () => {
    const t = setup({ browserLogin: provider() });
    const { path } = await opened(t);
    const callback = await t.send('POST', '/integration-callback');
    expect([callback.status, callback.headers.allow]).toEqual([405, 'GET']);
    const login = await t.send('PUT', '/connect/login-callback');
    expect([login.status, login.headers.allow]).toEqual([405, 'GET']);
    const link = await t.send('DELETE', path);
    expect([link.status, link.headers.allow]).toEqual([405, 'GET, POST']);
    // None of these used the link.
    expect((await t.send('GET', path)).status).toBe(200);
  });

  it('tells whether a caller is connected by asking the connection manager only', async () => {
    const asked: string[] = [];
    const manager = {
      get: async (userKey: string) => {
        asked.push(userKey);
        return userKey === 'issuer|alice' ? { v: 1 } : undefined;
      },
    } as unknown as ConnectionManager;
    const t = setup({ manager });
    expect(await t.flow.connected(caller)).toBe(true);
    expect(await t.flow.connected({ userKey: 'issuer|bob', label: 'bob' })).toBe(false);
    expect(asked).toEqual(['issuer|alice', 'issuer|bob']);
    expect(t.store.keys()).toEqual([]);
  });
});

describe('the confirmation page and its POST', () => {
  it('sets a CSRF cookie for the link only, for as long as the link lives, Secure on https', async () => {
    const t = setup();
    const { path, page } = await opened(t);
    const [cookie] = cookiesOf(page);
    expect(cookie).toMatch(
      new RegExp(
        `^cmcp_csrf=[A-Za-z0-9_-]{43}; Path=${path}; HttpOnly; SameSite=Strict; Max-Age=600; Secure$`,
      ),
    );
    // Near its end the cookie lives as long as the link, and never less than a second.
    t.advance(TEN_MINUTES - 1_600);
    expect(cookiesOf(await t.send('GET', path))[0]).toContain('; Max-Age=2;');
    t.advance(1_200);
    expect(cookiesOf(await t.send('GET', path))[0]).toContain('; Max-Age=1;');
  });

  it('sets no Secure flag when the server is reached over plain http', async () => {
    const t = setup({ publicUrl: 'http://127.0.0.1:3000' });
    const { path, page, csrf } = await opened(t);
    expect(cookiesOf(page)[0]).toMatch(/; Max-Age=600$/);
    const go = await t.send('POST', path, {
      cookie: csrf.cookie,
      chunks: [`csrf=${csrf.field}&decision=continue`],
    });
    expect(go.status).toBe(303);
    expect(cookiesOf(go)[0]).toMatch(/; Max-Age=600$/);
  });

  it('continues to Atlassian with a signed state bound to this browser, spending the link', async () => {
    const t = setup();
    const { path, csrf } = await opened(t);
    const go = await t.send('POST', path, {
      cookie: `other=1; ${csrf.cookie}`,
      chunks: [`csrf=${csrf.field}&decision=continue`],
    });
    expect(go.status).toBe(303);
    expect(go.headers['cache-control']).toBe('no-store');
    const location = new URL(go.headers.location as string);
    expect(location.origin + location.pathname).toBe('https://auth.example/authorize');
    const state = location.searchParams.get('state') as string;
    const claims = decodeJwt(state);
    expect(claims.iat).toBe(Math.floor(t.now() / 1000));
    expect(claims.exp).toBe(Math.floor((t.now() + TEN_MINUTES) / 1000));
    const slot = path.slice('/connect/'.length, '/connect/'.length + 43);
    expect(claims.s).toBe(slot);

    const [binding, clearing] = cookiesOf(go);
    expect(binding).toMatch(
      /^cmcp_oauth=[A-Za-z0-9_-]{43}; Path=\/integration-callback; HttpOnly; SameSite=Lax; Max-Age=600; Secure$/,
    );
    expect(clearing).toBe(`cmcp_csrf=; Path=${path}; Max-Age=0`);
    const consent = await t.store.get<StateRecord>(t.records.consent(slot));
    expect(consent).toStrictEqual({
      userKey: caller.userKey,
      label: caller.label,
      nonce: claims.n,
      binder: sha256((binding as string).split(';')[0]?.slice('cmcp_oauth='.length) as string),
      expiresAt: t.now() + TEN_MINUTES,
    });
    // Spent: the link's page and its POST now answer 410.
    expect((await t.send('GET', path)).status).toBe(410);
    const again = await t.send('POST', path, {
      cookie: csrf.cookie,
      chunks: [`csrf=${csrf.field}&decision=continue`],
    });
    expect(again.status).toBe(410);
  });

  it('connects nothing on "This is not me", and spends the link', async () => {
    const t = setup();
    const { path, csrf } = await opened(t);
    const no = await t.send('POST', path, {
      cookie: csrf.cookie,
      chunks: [`csrf=${csrf.field}&decision=cancel`],
    });
    expect(no.status).toBe(200);
    expect(no.body).toContain('<h1>Nothing was connected</h1>');
    expect(no.headers.location).toBeUndefined();
    expect(t.store.keys().some((k) => k.startsWith('consent:'))).toBe(false);
    expect((await t.send('GET', path)).status).toBe(410);
  });

  it('refuses a POST without the page’s token or cookie, and the link is spent by it', async () => {
    const t = setup();
    const { path, csrf } = await opened(t);
    const forged = await t.send('POST', path, {
      cookie: 'cmcp_csrf=guess',
      chunks: [`csrf=${csrf.field}&decision=continue`],
    });
    expect(forged.status).toBe(403);
    expect(forged.body).toContain('This request was not sent from the confirmation page');
    expect(t.store.keys().some((k) => k.startsWith('consent:'))).toBe(false);
    const late = await t.send('POST', path, {
      cookie: csrf.cookie,
      chunks: [`csrf=${csrf.field}&decision=continue`],
    });
    expect(late.status).toBe(410);
  });

  it('reads at most 8 KiB of a form, whatever the browser keeps sending', async () => {
    const t = setup();
    const { path, csrf } = await opened(t);
    let read = 0;
    // Chunks of 4 KiB without end: the first carries the form, the rest padding.
    function* endless() {
      const first = `csrf=${csrf.field}&decision=cancel&pad=`;
      read += 1;
      yield first + 'x'.repeat(4096 - first.length);
      for (;;) {
        read += 1;
        yield 'x'.repeat(4096);
      }
    }
    const answer = await t.send('POST', path, { cookie: csrf.cookie, chunks: endless() });
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('Nothing was connected');
    // 8,192 characters are not yet more than the cap; the third chunk is.
    expect(read).toBe(3);
  });
});

describe('the fleet-wide cap on links', () => {
  it('is the one configured', async () => {
    const t = setup({ maxPendingLinks: 2 });
    await t.flow.createLink({ userKey: 'u1', label: 'one' });
    await t.flow.createLink({ userKey: 'u2', label: 'two' });
    await expect(t.flow.createLink({ userKey: 'u3', label: 'three' })).rejects.toThrow(/Too many people/);
  });
});

/** An identity provider that is reachable or not, and signs in `subject`. */
function provider(options: { reachable?: boolean; subject?: string } = {}): BrowserLoginProvider {
  return {
    async authorizationEndpoint() {
      if (options.reachable === false) throw new Error('connect ECONNREFUSED');
      return 'https://idp.example/authorize';
    },
    async authorizeUrl({ state }) {
      return `https://idp.example/authorize?state=${state}`;
    },
    async exchangeCode() {
      return 'id-token';
    },
    async verifyIdToken() {
      return {
        issuer: 'issuer',
        subject: options.subject ?? 'alice',
        label: `${options.subject ?? 'alice'} (idp)`,
      };
    },
  };
}

describe('links under browser login', () => {
  it('answers 503 with a retry when the identity provider cannot be reached', async () => {
    const t = setup({ browserLogin: provider({ reachable: false }) });
    const path = new URL(await t.flow.createLink(caller)).pathname;
    const page = await t.send('GET', path);
    expect(page.status).toBe(503);
    expect(page.body).toContain('<h1>Sign-in is unavailable</h1>');
    expect(page.headers['retry-after']).toBe('30');
  });

  it('answers a POST to an unknown link with 410, starting no sign-in', async () => {
    const t = setup({ browserLogin: provider() });
    const answer = await t.send('POST', `/connect/${'x'.repeat(86)}`, { chunks: ['csrf=x'] });
    expect(answer.status).toBe(410);
    expect(t.store.keys().some((k) => k.startsWith('signin:'))).toBe(false);
  });

  /** Opens the link, presses "Sign in", and comes back from the identity provider. */
  async function signedIn(t: ReturnType<typeof setup>) {
    const { path, csrf } = await opened(t);
    const start = await t.send('POST', path, {
      cookie: csrf.cookie,
      chunks: [`csrf=${csrf.field}&decision=sign-in`],
    });
    expect(start.status).toBe(303);
    const state = new URL(start.headers.location as string).searchParams.get('state') as string;
    const login = (cookiesOf(start)[0] as string).split(';')[0] as string;
    return { path, back: `/connect/login-callback?code=c1&state=${state}`, login };
  }

  it('clears the sign-in cookie and logs a warning when someone else signs in', async () => {
    const t = setup({ browserLogin: provider({ subject: 'mallory' }) });
    const { back, login } = await signedIn(t);
    const refused = await setupAnd(t, back, login);
    expect(refused.status).toBe(403);
    expect(refused.headers['set-cookie']).toBe('cmcp_login=; Path=/connect/login-callback; Max-Age=0');
    expect(
      t.lines.some((l) => l.level === 'warn' && l.msg === 'connect link opened by someone else; refused'),
    ).toBe(true);
  });

  it('answers 410, clearing the sign-in cookie, when the link was spent before the sign-in came back', async () => {
    const t = setup({ browserLogin: provider() });
    const { path, back, login } = await signedIn(t);
    // The link is spent meanwhile (as by a second sign-in that came back first).
    const slot = path.slice('/connect/'.length, '/connect/'.length + 43);
    await t.store.delete(t.records.link(slot));
    const answer = await setupAnd(t, back, login);
    expect(answer.status).toBe(410);
    expect(answer.headers['set-cookie']).toBe('cmcp_login=; Path=/connect/login-callback; Max-Age=0');
  });
});

/** The login callback, answered by `t`'s flow. */
const setupAnd = (t: ReturnType<typeof setup>, url: string, cookie: string) =>
  request((req, res) => t.flow.handle(req, res, '/connect/login-callback'), 'GET', url, { cookie });

describe('failures while answering', () => {
  const failing = (error: Error): StorePort => ({
    ...memoryStore(),
    get: async () => {
      throw error;
    },
  });

  it('answers 503 with a retry when the store is down or its lock is held, and logs a warning with the reason', async () => {
    for (const error of [new StoreUnavailableError('redis unreachable'), new LockTimeoutError('x', 5000)]) {
      const t = setup({ store: failing(error) });
      const page = await t.send('GET', `/connect/${'a'.repeat(86)}`);
      expect(page.status).toBe(503);
      expect(page.headers['retry-after']).toBe('30');
      expect(page.body).toContain('Connecting is unavailable for a moment');
      expect(t.lines).toEqual([
        expect.objectContaining({ level: 'warn', msg: 'connect page failed', error: error.message }),
      ]);
    }
  });

  it('answers 500 for anything else, and logs it as an error', async () => {
    const t = setup({ store: failing(new TypeError('a bug')) });
    const page = await t.send('GET', `/connect/${'a'.repeat(86)}`);
    expect(page.status).toBe(500);
    expect(page.headers['retry-after']).toBeUndefined();
    expect(t.lines).toEqual([expect.objectContaining({ level: 'error', msg: 'connect page failed' })]);
  });

  it('only ends an answer whose headers were already sent', async () => {
    const t = setup({ store: failing(new TypeError('a bug')) });
    const path = `/connect/${'a'.repeat(86)}`;
    const answer = await request((req, res) => t.flow.handle(req, res, path), 'GET', path, {
      headersSent: true,
    });
    expect(answer.wroteHead).toBe(false);
    expect(answer.ended).toBe(true);
    expect(answer.body).toBe('');
  });
});
