// What the OAuth callback tells the person in each case, with Atlassian and the connection manager played by the
// test: a state missing its parts, the pages of refusals and failures, which sites count as Confluence sites.
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  type ConnectCallbackOptions,
  finishConnect,
  type StateRecord,
} from '../../../../src/auth/atlassian/connect-callback.js';
import type { ConnectionManager } from '../../../../src/auth/atlassian/connections.js';
import { sha256 } from '../../../../src/auth/atlassian/flow-secrets.js';
import {
  type AtlassianOAuth,
  type AtlassianSite,
  ClientCredentialsError,
  InvalidGrantError,
} from '../../../../src/auth/atlassian/oauth-client.js';
import { StoreRecords } from '../../../../src/auth/records.js';
import { generateEncryptionKey, parseEncryptionKeys } from '../../../../src/auth/store/index.js';
import { LockTimeoutError } from '../../../../src/auth/store/lock-timeout-error.js';
import { StoreUnavailableError } from '../../../../src/auth/store/store-unavailable-error.js';
import { createLogger } from '../../../../src/log.js';
import { type Answer, memoryStore, request } from '../../../support/connect-requests.js';

const CALLBACK = '/integration-callback';
const site = (name: string, scopes: string[]): AtlassianSite => ({
  cloudId: `id-${name}`,
  name,
  url: `https://${name}.atlassian.net`,
  scopes,
});

function setup(atlassian: { sites?: AtlassianSite[]; failure?: Error } = {}) {
  const store = memoryStore();
  const records = new StoreRecords(parseEncryptionKeys(generateEncryptionKey('t')));
  const saved: Array<{ userKey: string; sites: AtlassianSite[] }> = [];
  const lines: Array<Record<string, unknown>> = [];
  const options: ConnectCallbackOptions = {
    store,
    records,
    callbackPath: CALLBACK,
    oauth: {
      exchangeCode: async () => {
        if (atlassian.failure) throw atlassian.failure;
        return { accessToken: 'at', refreshToken: 'rt', expiresAt: Date.now() + 3_600_000, scopes: [] };
      },
      accessibleResources: async () => atlassian.sites ?? [site('acme', ['read:page:confluence'])],
    } as unknown as AtlassianOAuth,
    manager: {
      save: async (userKey: string, _tokens: unknown, sites: AtlassianSite[]) => {
        saved.push({ userKey, sites });
      },
    } as unknown as ConnectionManager,
    log: createLogger('debug', {}, (line) => lines.push(JSON.parse(line))),
    now: Date.now,
  };
  const back = (query: Record<string, string>, cookie?: string) =>
    request(
      (req, res) => finishConnect(options, req, res),
      'GET',
      `${CALLBACK}?${new URLSearchParams(query)}`,
      cookie === undefined ? {} : { cookie },
    );
  /** A consent started for Priya: the state to send back and the browser's cookie. */
  const started = async (claims: Record<string, unknown> = {}) => {
    const nonce = 'n-1';
    const slot = 's'.repeat(43);
    await store.set<StateRecord>(records.consent(slot), {
      userKey: 'priya',
      label: 'Priya',
      nonce,
      binder: sha256('browser-binder'),
      expiresAt: Date.now() + 600_000,
    });
    const state = await new SignJWT({ n: nonce, s: slot, ...claims })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(records.flowKey);
    return { state, cookie: 'cmcp_oauth=browser-binder' };
  };
  return { back, started, saved, lines };
}

const page = (answer: Answer) => ({
  status: answer.status,
  heading: /<h1>(.*?)<\/h1>/.exec(answer.body)?.[1],
  text: answer.body
    .split('</h1>')[1]
    ?.replace(/<[^>]*>/g, '')
    .trim(),
  cleared: answer.headers['set-cookie'] === `cmcp_oauth=; Path=${CALLBACK}; Max-Age=0`,
});

describe('the OAuth callback', () => {
  it('refuses a signed state that lacks its nonce or its slot, as not valid', async () => {
    for (const claims of [{ n: undefined }, { s: undefined }, { n: 7 }, { s: ['x'] }]) {
      const t = setup();
      const { state, cookie } = await t.started(claims);
      expect(page(await t.back({ state, code: 'c' }, cookie))).toEqual({
        status: 400,
        heading: 'This sign-in is not valid',
        text: 'The link was altered or is too old. Nothing was connected. Ask your assistant for a new link.',
        cleared: true,
      });
      expect(t.saved).toEqual([]);
    }
  });

  it('says a used state connected nothing new, and a state from another browser connected nothing', async () => {
    const t = setup();
    const { state, cookie } = await t.started();
    expect(page(await t.back({ state, code: 'c' }, 'cmcp_oauth=other-browser'))).toEqual({
      status: 403,
      heading: 'This sign-in was started in another browser',
      text: 'For your safety nothing was connected. Open the link from your assistant in this browser and start again.',
      cleared: true,
    });
    expect(page(await t.back({ state, code: 'c' }, cookie))).toEqual({
      status: 400,
      heading: 'This sign-in was already used or has expired',
      text: 'Nothing new was connected. If you still need to connect, ask your assistant for a new link.',
      cleared: true,
    });
  });

  it('says when Atlassian sent no code', async () => {
    const t = setup();
    const { state, cookie } = await t.started();
    expect(page(await t.back({ state }, cookie))).toEqual({
      status: 400,
      heading: 'Nothing was connected',
      text: 'Atlassian sent no authorization code.',
      cleared: true,
    });
  });

  it('connects every site with any Confluence scope, listing each, and no other site', async () => {
    const t = setup({
      sites: [
        site('mixed', ['read:jira-work', 'read:page:confluence']),
        site('jira', ['read:jira-work']),
        site('wiki', ['write:page:confluence']),
      ],
    });
    const { state, cookie } = await t.started();
    const answer = await t.back({ state, code: 'c' }, cookie);
    expect(answer.body).toContain(
      '<ul><li>mixed (https://mixed.atlassian.net)</li><li>wiki (https://wiki.atlassian.net)</li></ul>',
    );
    expect(t.saved.map((s) => s.sites.map((x) => x.name))).toEqual([['mixed', 'wiki']]);
  });

  it('says so when no approved site has Confluence, saving nothing', async () => {
    const t = setup({ sites: [site('jira', ['read:jira-work'])] });
    const { state, cookie } = await t.started();
    expect(page(await t.back({ state, code: 'c' }, cookie))).toEqual({
      status: 200,
      heading: 'No Confluence site was allowed',
      text: 'None of the sites you approved has Confluence. Nothing was connected.',
      cleared: true,
    });
    expect(t.saved).toEqual([]);
  });

  it('names what failed and what to do, 503 for the token store and 502 otherwise, logging the cause', async () => {
    const cases = [
      [
        new InvalidGrantError('invalid_grant'),
        502,
        'The authorization code was not accepted (it may have been used already).',
      ],
      [
        new ClientCredentialsError('bad client'),
        502,
        'This server’s Atlassian app is misconfigured; tell its operator.',
      ],
      [
        new StoreUnavailableError('redis unreachable'),
        503,
        'This server could not save the connection: its token store is unavailable. Try again shortly.',
      ],
      [
        new LockTimeoutError('x', 5000),
        503,
        'This server could not save the connection: its token store is unavailable. Try again shortly.',
      ],
      [new Error('ECONNRESET'), 502, 'Atlassian could not be reached; try again in a moment.'],
    ] as const;
    for (const [failure, status, reason] of cases) {
      const t = setup({ failure });
      const { state, cookie } = await t.started();
      expect(page(await t.back({ state, code: 'c' }, cookie))).toEqual({
        status,
        heading: 'Nothing was connected',
        text: `${reason} Ask your assistant for a new link.`,
        cleared: true,
      });
      expect(t.lines).toEqual([
        expect.objectContaining({ level: 'warn', msg: 'connect callback failed', error: failure.message }),
      ]);
    }
  });
});
