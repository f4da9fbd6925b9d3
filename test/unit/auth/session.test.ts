import { existsSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { localConfigDir, localEncryptionKeys } from '../../../src/auth/local-keys.js';
import {
  LOCAL_CALLER,
  MissingScopeError,
  NotConnectedError,
  SiteConflictError,
  siteMatches,
  staticSessions,
  UnknownSiteError,
} from '../../../src/auth/session.js';
import { parseEncryptionKeys } from '../../../src/auth/store/index.js';
import { getCurrentUser } from '../../../src/confluence/endpoints/users.js';
import { describeExpectedError } from '../../../src/mcp/errors.js';
import { mockServer } from '../../support/msw.js';

const settings = { timeoutMs: 2000, userAgent: 'test' };

describe('siteMatches', () => {
  const site = { url: 'https://acme.atlassian.net/', name: 'Acme Docs', id: 'Cloud-1' };

  it.each([
    'Cloud-1',
    'cloud-1',
    'acme docs',
    'https://acme.atlassian.net',
    'https://ACME.atlassian.net/',
    'https://acme.atlassian.net/wiki',
    'https://acme.atlassian.net/wiki/',
    'acme.atlassian.net',
    'acme',
    '  acme  ',
  ])('matches %j', (wanted) => {
    expect(siteMatches(wanted, site)).toBe(true);
  });

  it.each(['', '   ', '/', 'beta', 'https://beta.atlassian.net', 'acme.atlassian', 'atlassian', 'cloud'])(
    'does not match %j',
    (wanted) => {
      expect(siteMatches(wanted, site)).toBe(false);
    },
  );

  it('matches a site without a URL by name or id only, and one without a name or id by its URL only', () => {
    expect(siteMatches('cloud-2', { url: '', id: 'cloud-2' })).toBe(true);
    expect(siteMatches('x', { url: '', name: 'X' })).toBe(true);
    expect(siteMatches('anything', { url: '' })).toBe(false);
    // A name that is nothing once trimmed names no site, not even one without a URL.
    for (const blank of ['/', ' // ', '/wiki/']) expect(siteMatches(blank, { url: '' }), blank).toBe(false);
    expect(siteMatches('not a url', { url: 'not a url' })).toBe(true);
    expect(siteMatches('not', { url: 'not a url' })).toBe(false);
    expect(siteMatches('acme', { url: 'https://acme.atlassian.net' })).toBe(true);
    expect(siteMatches('https://acme.atlassian.net//', { url: 'https://acme.atlassian.net//' })).toBe(true);
    expect(siteMatches('https://acme.atlassian.net/wiki/spaces', { url: 'https://acme.atlassian.net' })).toBe(
      false,
    );
  });
});

describe('staticSessions', () => {
  it('says how to add credentials when the server has none', async () => {
    const sessions = staticSessions(undefined, settings);
    const error = await sessions.session(LOCAL_CALLER, {}, new AbortController().signal).catch((e) => e);
    expect(error).toBeInstanceOf(NotConnectedError);
    expect(error).toMatchObject({
      reason: 'no-credentials',
      message: expect.stringMatching(/^This server has no Confluence credentials\. Set CONFLUENCE_SITE_URL/),
    });
    expect(await sessions.describe(LOCAL_CALLER)).toEqual({ connected: false, kind: 'none' });
    expect(await sessions.disconnect(LOCAL_CALLER)).toBe(false);
  });

  it('acts with an API token on its one site, named any way, and refuses another site', async () => {
    const sessions = staticSessions(
      {
        type: 'api-token',
        siteUrl: 'https://acme.atlassian.net/wiki/',
        email: 'p@acme.example',
        apiToken: 't',
      },
      settings,
    );
    const signal = new AbortController().signal;
    mockServer.use(
      http.get('https://acme.atlassian.net/wiki/rest/api/user/current', ({ request }) =>
        HttpResponse.json({ accountId: 'u', displayName: request.headers.get('authorization') }),
      ),
    );
    for (const site of [undefined, 'acme', 'https://acme.atlassian.net/wiki']) {
      const session = await sessions.session(LOCAL_CALLER, { named: site }, signal);
      expect(session.grantedScopes).toBeUndefined();
      expect((await getCurrentUser(session.confluence)).displayName).toBe(
        `Basic ${Buffer.from('p@acme.example:t').toString('base64')}`,
      );
    }
    await expect(sessions.session(LOCAL_CALLER, { named: 'beta' }, signal)).rejects.toThrow(
      new UnknownSiteError(
        'This server is set up for one site (https://acme.atlassian.net), not "beta". Leave out site, or use that one.',
      ),
    );
    expect(await sessions.describe(LOCAL_CALLER)).toEqual({
      connected: true,
      kind: 'api-token',
      account: { email: 'p@acme.example' },
      sites: [{ name: 'acme.atlassian.net', url: 'https://acme.atlassian.net', default: true }],
    });
    expect(await sessions.disconnect(LOCAL_CALLER)).toBe(false);
  });

  it('with an API token, places page URLs on its site and refuses one from another site', async () => {
    const sessions = staticSessions(
      {
        type: 'api-token',
        siteUrl: 'https://acme.atlassian.net/wiki',
        email: 'p@acme.example',
        apiToken: 't',
      },
      settings,
    );
    const signal = new AbortController().signal;
    const onSite = 'https://acme.atlassian.net/wiki/spaces/ENG/pages/65540/Title';
    for (const urls of [[onSite], ['65540', onSite], ['https://acme.atlassian.net/wiki/x/BAAB']]) {
      const session = await sessions.session(LOCAL_CALLER, { urls }, signal);
      expect(session.siteUrl, urls.join()).toBe('https://acme.atlassian.net');
    }
    const elsewhere = 'https://globex.atlassian.net/wiki/spaces/ENG/pages/65540/Title';
    await expect(sessions.session(LOCAL_CALLER, { urls: [onSite, elsewhere] }, signal)).rejects.toThrow(
      new UnknownSiteError(
        'The URL https://globex.atlassian.net/wiki/spaces/ENG/pages/65540/Title is not on the one site this server is set up for (https://acme.atlassian.net). Use a URL from that site, or the page id.',
      ),
    );
    const long = `https://globex.atlassian.net/wiki/spaces/${'x'.repeat(300)}`;
    const refusal = await sessions.session(LOCAL_CALLER, { urls: [long] }, signal).catch((e: Error) => e);
    expect(refusal).toBeInstanceOf(UnknownSiteError);
    expect((refusal as Error).message).toContain(
      `${new URL(long).pathname.slice(0, 80)} is not on the one site`,
    );
    expect((refusal as Error).message).not.toContain('x'.repeat(100));
    expect((await sessions.describe(LOCAL_CALLER)).sites).toEqual([
      { name: 'acme.atlassian.net', url: 'https://acme.atlassian.net', default: true },
    ]);
  });

  it('acts with an access token on its one cloud id, and names that id when refusing another site', async () => {
    const sessions = staticSessions(
      {
        type: 'oauth',
        apiBaseUrl: 'https://api.atlassian.test',
        cloudId: 'cloud-9',
        accessToken: () => 'at',
      },
      settings,
    );
    const signal = new AbortController().signal;
    await expect(sessions.session(LOCAL_CALLER, { named: 'cloud-9' }, signal)).resolves.toMatchObject({
      grantedScopes: undefined,
    });
    // An access token names no site URL, so a page URL cannot be placed here: the page tools check it against the
    // site Confluence answers with.
    const session = await sessions.session(
      LOCAL_CALLER,
      { urls: ['https://anywhere.atlassian.net/wiki/spaces/ENG/pages/1'] },
      signal,
    );
    expect(session).not.toHaveProperty('siteUrl');
    await expect(sessions.session(LOCAL_CALLER, { named: 'acme' }, signal)).rejects.toThrow(
      'This server is set up for one site (cloud-9), not "acme".',
    );
    expect(await sessions.describe(LOCAL_CALLER)).toEqual({
      connected: true,
      kind: 'access-token',
      sites: [{ cloudId: 'cloud-9', name: 'cloud-9', url: '', default: true }],
    });
  });
});

describe('session errors', () => {
  it('carry their kind by name, and a connect link only when given one', () => {
    const plain = new NotConnectedError('not yet', 'none');
    expect(plain.name).toBe('NotConnectedError');
    expect(plain.connectUrl).toBeUndefined();
    const linked = plain.withConnectUrl('https://mcp.example.com/connect/x');
    expect(linked).toMatchObject({
      message: 'not yet',
      reason: 'none',
      connectUrl: 'https://mcp.example.com/connect/x',
    });
    expect(linked).toBeInstanceOf(NotConnectedError);
    const scope = new MissingScopeError(
      ['write:page:confluence', 'read:space:confluence'],
      'https://x.example/c',
    );
    expect(scope).toMatchObject({
      name: 'MissingScopeError',
      message: 'Your Atlassian connection was not granted write:page:confluence, read:space:confluence.',
      connectUrl: 'https://x.example/c',
    });
    expect(new UnknownSiteError('x').name).toBe('UnknownSiteError');
    expect(new SiteConflictError('x').name).toBe('SiteConflictError');
  });

  it('are told to the agent by their kind', () => {
    expect(describeExpectedError(new UnknownSiteError('no such site.'))).toBe('Unknown site: no such site.');
    expect(describeExpectedError(new SiteConflictError('two sites.'))).toBe('Invalid arguments: two sites.');
    expect(describeExpectedError(new MissingScopeError(['write:page:confluence']))).toMatch(
      /^Missing OAuth scope: Your Atlassian connection was not granted write:page:confluence\. This tool needs it/,
    );
  });
});

describe('local encryption key', () => {
  it('lives in $XDG_CONFIG_HOME/confluence-mcp, else in ~/.config/confluence-mcp', () => {
    expect(localConfigDir({ XDG_CONFIG_HOME: '/x/config' })).toBe('/x/config/confluence-mcp');
    expect(localConfigDir({ XDG_CONFIG_HOME: '' })).toBe(join(homedir(), '.config', 'confluence-mcp'));
    expect(localConfigDir({})).toBe(join(homedir(), '.config', 'confluence-mcp'));
  });

  it('is made once, readable by its owner only, and read back the same afterwards (by any process: none replaces it)', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'cmcp-keys-')), 'nested', 'confluence-mcp');
    const first = localEncryptionKeys(dir);
    expect(() => parseEncryptionKeys(first)).not.toThrow();
    const path = join(dir, 'encryption.key');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(readFileSync(path, 'utf8')).toBe(`${first}\n`);
    expect(localEncryptionKeys(dir)).toBe(first);
  });

  it('is never written through a link someone planted where the key file goes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cmcp-keys-'));
    const elsewhere = join(mkdtempSync(join(tmpdir(), 'cmcp-elsewhere-')), 'stolen.key');
    // A dangling link: existsSync says no file is there, and a plain write would follow it.
    symlinkSync(elsewhere, join(dir, 'encryption.key'));
    expect(() => localEncryptionKeys(dir)).toThrow(
      `${join(dir, 'encryption.key')} is not a regular file; remove it and start again`,
    );
    expect(existsSync(elsewhere)).toBe(false);
  });

  it('reads a key file someone wrote by hand, without its surrounding whitespace', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cmcp-keys-'));
    writeFileSync(join(dir, 'encryption.key'), '  k1:abc  \n');
    expect(localEncryptionKeys(dir)).toBe('k1:abc');
  });
});
