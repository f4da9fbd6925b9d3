// Edges found by mutation testing in naming sites and reading keys: a site served under a path that merely starts
// with /wiki, two sites listed with one URL, a configured key whose type is not a string, and a key file that cannot
// be created for a reason other than its being there.
import { exportJWK, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { createCallerVerifier } from '../../../src/auth/caller/index.js';
import { localEncryptionKeys } from '../../../src/auth/local-keys.js';
import { chooseSite, LOCAL_CALLER, siteMatches, staticSessions } from '../../../src/auth/session.js';

describe('sites', () => {
  it('name a site served under a path that begins with /wiki by its whole URL', () => {
    expect(siteMatches('https://h.example/wikis', { url: 'https://h.example/wikis' })).toBe(true);
    expect(siteMatches('https://h.example/wikis/', { url: 'https://h.example/wikis' })).toBe(true);
    // Only a final /wiki is Confluence's own path, and is dropped.
    expect(siteMatches('https://acme.atlassian.net/wiki', { url: 'https://acme.atlassian.net' })).toBe(true);
  });

  it('keep the path of an API-token site that merely begins with /wiki', async () => {
    const sessions = staticSessions(
      { type: 'api-token', siteUrl: 'https://h.example/wikis', email: 'a@h.example', apiToken: 't' },
      { userAgent: 'test', timeoutMs: 1_000 },
    );
    const session = await sessions.session(LOCAL_CALLER, {}, new AbortController().signal);
    expect(session.siteUrl).toBe('https://h.example/wikis');
  });

  it('take the first of two sites listed with one URL', () => {
    const url = 'https://acme.atlassian.net';
    const sites = [
      { url, id: 'first' },
      { url, id: 'second' },
    ];
    expect(chooseSite(sites, { urls: [`${url}/wiki/spaces/ENG/pages/1`] }).id).toBe('first');
  });
});

describe('a configured public key', () => {
  it('is refused when its type is not a string, even one that reads as a known type', async () => {
    const { publicKey } = await generateKeyPair('RS256', { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kty: ['RSA'] };
    expect(() =>
      createCallerVerifier({
        issuer: 'https://idp.example.com/',
        audience: 'https://mcp.example.com/mcp',
        algorithms: ['RS256'],
        publicKey: JSON.stringify(jwk),
      }),
    ).toThrow('caller auth: publicKey must be an RSA, EC or OKP key');
  });
});

describe('the local key file', () => {
  it.runIf(process.platform === 'linux')(
    'is reported as the system reported it when it cannot be created at all',
    () => {
      // /proc takes no new files, even from root.
      let thrown: unknown;
      try {
        localEncryptionKeys('/proc');
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toMatchObject({ syscall: 'open', path: '/proc/encryption.key' });
      expect((thrown as NodeJS.ErrnoException).code).not.toBe('EEXIST');
    },
  );
});
