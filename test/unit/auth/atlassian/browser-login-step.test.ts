// The browser-login step on its own: what a started sign-in stores and sets, and the page each way back from the
// identity provider ends on. Every refusal clears the sign-in cookie and connects nothing.
import { describe, expect, it } from 'vitest';
import {
  type BrowserLoginProvider,
  BrowserLoginStep,
  type LoginRecord,
} from '../../../../src/auth/atlassian/browser-login.js';
import { sha256 } from '../../../../src/auth/atlassian/flow-secrets.js';
import { IdTokenError, LoginCodeRejectedError } from '../../../../src/auth/atlassian/oidc-login.js';
import { StoreRecords } from '../../../../src/auth/records.js';
import { generateEncryptionKey, parseEncryptionKeys } from '../../../../src/auth/store/index.js';
import { createLogger } from '../../../../src/log.js';
import { type Answer, cookiesOf, memoryStore, request } from '../../../support/connect-requests.js';

const CLEAR = 'cmcp_login=; Path=/connect/login-callback; Max-Age=0';
const SLOT = 's'.repeat(43);
const LINK = `${SLOT}${'n'.repeat(43)}`;

function setup(
  options: { secure?: boolean; exchange?: () => Promise<string>; authorize?: () => Promise<string> } = {},
) {
  const store = memoryStore();
  const records = new StoreRecords(parseEncryptionKeys(generateEncryptionKey('t')));
  const lines: Array<Record<string, unknown>> = [];
  const provider: BrowserLoginProvider = {
    authorizationEndpoint: async () => 'https://idp.example/authorize',
    authorizeUrl: options.authorize ?? (async ({ state }) => `https://idp.example/authorize?state=${state}`),
    exchangeCode: options.exchange ?? (async () => 'id-token'),
    verifyIdToken: async () => ({ issuer: 'https://idp.example', subject: 'alice', label: 'alice (idp)' }),
  };
  const now = 1_700_000_000_000;
  // No ttlMs: the default lifetime of a sign-in is under test.
  const step = new BrowserLoginStep({
    store,
    records,
    provider,
    secure: options.secure ?? false,
    log: createLogger('debug', {}, (line) => lines.push(JSON.parse(line))),
    now: () => now,
  });
  const start = () => request((_req, res) => step.start(res, LINK, SLOT), 'POST', `/connect/${LINK}`);
  let outcome: unknown;
  const back = (query: string, cookie?: string) =>
    request(
      async (req, res) => {
        outcome = await step.finish(req, res);
      },
      'GET',
      `/connect/login-callback?${query}`,
      cookie === undefined ? {} : { cookie },
    );
  return { store, records, lines, start, back, now, outcome: () => outcome };
}

/** A started sign-in: its state (from the redirect) and the cookie the browser got. */
async function started(t: ReturnType<typeof setup>) {
  const answer = await t.start();
  expect(answer.status).toBe(303);
  const state = new URL(answer.headers.location as string).searchParams.get('state') as string;
  const cookie = (cookiesOf(answer)[0] as string).split(';')[0] as string;
  return { answer, state, cookie };
}

const text = (answer: Answer) =>
  answer.body
    .split('</h1>')[1]
    ?.replace(/<[^>]*>/g, '')
    .trim();

describe('starting a sign-in', () => {
  it('keeps it ten minutes by default, in the cookie and in the store, and sends the browser on without a referrer', async () => {
    const t = setup();
    const { answer, state, cookie } = await started(t);
    expect(answer.headers['cache-control']).toBe('no-store');
    expect(answer.headers['referrer-policy']).toBe('no-referrer');
    expect(cookiesOf(answer)).toEqual([
      expect.stringMatching(
        /^cmcp_login=[A-Za-z0-9_-]{43}; Path=\/connect\/login-callback; HttpOnly; SameSite=Lax; Max-Age=600$/,
      ),
    ]);
    const record = await t.store.get<LoginRecord>(t.records.signIn(SLOT));
    expect(record?.expiresAt).toBe(t.now + 600_000);
    expect(record?.state).toBe(sha256(state));
    expect(record?.binder).toBe(sha256(cookie.slice('cmcp_login='.length)));
    expect(record?.linkId).toBe(LINK);
  });

  it('marks the cookie Secure on https', async () => {
    const { answer } = await started(setup({ secure: true }));
    expect(cookiesOf(answer)[0]).toMatch(/; Max-Age=600; Secure$/);
  });

  it('answers 503 and stores nothing when the identity provider cannot be reached, logging why', async () => {
    const t = setup({
      authorize: async () => {
        throw new Error('discovery failed: connect ECONNREFUSED');
      },
    });
    const answer = await t.start();
    expect(answer.status).toBe(503);
    expect(answer.body).toContain('<h1>Sign-in is unavailable</h1>');
    expect(text(answer)).toBe('The sign-in service could not be reached. Try the link again in a moment.');
    expect(t.store.keys()).toEqual([]);
    expect(t.lines).toEqual([
      expect.objectContaining({
        level: 'warn',
        msg: 'browser login unavailable',
        error: 'discovery failed: connect ECONNREFUSED',
      }),
    ]);
  });
});

describe('coming back from the identity provider', () => {
  it('takes a state only in its exact shape', async () => {
    const t = setup();
    const { state, cookie } = await started(t);
    for (const bad of [`${state}x`, `x${state}`, state.slice(1)]) {
      const answer = await t.back(`code=c&state=${bad}`, cookie);
      expect(answer.status).toBe(400);
    }
    // The sign-in is still there for its own state.
    expect((await t.back(`code=c&state=${state}`, cookie)).status).toBe(0);
    expect(t.outcome()).toEqual({
      linkId: LINK,
      userKey: JSON.stringify(['https://idp.example', 'alice']),
      label: 'alice (idp)',
    });
  });

  it('refuses a spent or unknown sign-in with 400, clearing the cookie', async () => {
    const t = setup();
    const answer = await t.back('code=c&state=unknown', 'cmcp_login=x');
    expect(answer.status).toBe(400);
    expect(answer.body).toContain('<h1>This sign-in was already used or has expired</h1>');
    expect(text(answer)).toBe(
      'Ask your assistant for a new link if you still need to connect. Nothing was connected.',
    );
    expect(answer.headers['set-cookie']).toBe(CLEAR);
    expect(t.outcome()).toBeUndefined();
  });

  it('refuses another browser with 403, clearing the cookie', async () => {
    const t = setup();
    const { state } = await started(t);
    const answer = await t.back(`code=c&state=${state}`, 'cmcp_login=someone-else');
    expect(answer.status).toBe(403);
    expect(text(answer)).toBe(
      'For your safety, open the link from your assistant in this browser and start again. Nothing was connected.',
    );
    expect(answer.headers['set-cookie']).toBe(CLEAR);
  });

  it('says the person cancelled, or quotes what the provider reported', async () => {
    for (const [error, said] of [
      ['access_denied', 'You cancelled signing in. You can close this window.'],
      [
        'temporarily_unavailable',
        'The sign-in service reported: temporarily_unavailable. You can close this window.',
      ],
    ] as const) {
      const t = setup();
      const { state, cookie } = await started(t);
      const answer = await t.back(`error=${error}&state=${state}`, cookie);
      expect(answer.status).toBe(200);
      expect(answer.body).toContain('<h1>Nothing was connected</h1>');
      expect(text(answer)).toBe(said);
      expect(answer.headers['set-cookie']).toBe(CLEAR);
      expect(t.outcome()).toBeUndefined();
    }
  });

  it('refuses a return without a code with 400', async () => {
    const t = setup();
    const { state, cookie } = await started(t);
    const answer = await t.back(`state=${state}`, cookie);
    expect(answer.status).toBe(400);
    expect(text(answer)).toBe('The sign-in service sent no authorization code. Nothing was connected.');
    expect(answer.headers['set-cookie']).toBe(CLEAR);
    expect(t.outcome()).toBeUndefined();
  });

  it('tells a token that fails verification, a refused code and an unreachable provider apart, logging each', async () => {
    const cases = [
      [new IdTokenError('ID token expired'), 403, 'The sign-in could not be verified.'],
      [
        new LoginCodeRejectedError('the identity provider refused the code (invalid_grant)'),
        400,
        'The sign-in service did not accept this sign-in (it may have been used already).',
      ],
      [new Error('socket hang up'), 502, 'The sign-in service could not be reached; try again in a moment.'],
    ] as const;
    for (const [failure, status, said] of cases) {
      const t = setup({
        exchange: async () => {
          throw failure;
        },
      });
      const { state, cookie } = await started(t);
      const answer = await t.back(`code=c&state=${state}`, cookie);
      expect(answer.status).toBe(status);
      expect(answer.body).toContain('<h1>Nothing was connected</h1>');
      expect(text(answer)).toBe(`${said} Nothing was connected.`);
      expect(answer.headers['set-cookie']).toBe(CLEAR);
      expect(t.outcome()).toBeUndefined();
      expect(t.lines).toEqual([
        expect.objectContaining({ level: 'warn', msg: 'browser login failed', error: failure.message }),
      ]);
    }
  });
});
