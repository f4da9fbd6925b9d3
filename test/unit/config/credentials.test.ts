import { describe, expect, it } from 'vitest';
import { credentialFromEnv } from '../../../src/config/credentials.js';
import { ConfigError } from '../../../src/config/load.js';

describe('credentialFromEnv', () => {
  it('reads a personal API token', () => {
    const auth = credentialFromEnv(
      {
        CONFLUENCE_SITE_URL: 'https://acme.atlassian.net',
        ATLASSIAN_EMAIL: 'a@b.c',
        ATLASSIAN_API_TOKEN: 't',
      },
      'https://api.atlassian.com',
    );
    expect(auth).toEqual({
      type: 'api-token',
      siteUrl: 'https://acme.atlassian.net',
      email: 'a@b.c',
      apiToken: 't',
    });
  });

  it('reads an access token for the gateway', async () => {
    const auth = credentialFromEnv(
      { ATLASSIAN_ACCESS_TOKEN: 'at', CONFLUENCE_CLOUD_ID: 'cloud-1' },
      'https://api.atlassian.com',
    );
    expect(auth?.type).toBe('oauth');
    if (auth?.type !== 'oauth') throw new Error('unreachable');
    expect(auth.cloudId).toBe('cloud-1');
    expect(await auth.accessToken()).toBe('at');
  });

  it('is undefined when nothing is set', () => {
    expect(credentialFromEnv({}, 'https://api.atlassian.com')).toBeUndefined();
  });

  it('refuses half a credential, naming what is missing and never echoing the token', () => {
    let message = '';
    try {
      credentialFromEnv({ ATLASSIAN_API_TOKEN: 'secret-token-value' }, 'https://api.atlassian.com');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      message = (error as Error).message;
    }
    expect(message).toContain('CONFLUENCE_SITE_URL');
    expect(message).toContain('ATLASSIAN_EMAIL');
    expect(message).not.toContain('secret-token-value');
    expect(() => credentialFromEnv({ ATLASSIAN_ACCESS_TOKEN: 'x' }, 'https://api.atlassian.com')).toThrow(
      /CONFLUENCE_CLOUD_ID/,
    );
  });
});
