import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../../src/config/load.js';
import { configSchema } from '../../../../src/config/schema.js';
import { silentLogger } from '../../../../src/log.js';
import { buildRuntime } from '../../../../src/runtime.js';

const ISSUER = 'https://idp.example.com';
const env = { ATLASSIAN_CLIENT_SECRET: 'secret' };

const configWith = (browserLoginIssuer: string) =>
  configSchema.parse({
    atlassian: { clientId: 'app' },
    callerAuth: { issuer: ISSUER, jwksUrl: `${ISSUER}/jwks.json` },
    connect: { browserLogin: { issuer: browserLoginIssuer, clientId: 'mcp-login' } },
  });

describe('browser login configuration', () => {
  it('is off by default and set from the environment', () => {
    expect(loadConfig({ env: {} }).connect.browserLogin).toBeUndefined();
    const config = loadConfig({
      env: {
        CONFLUENCE_MCP_BROWSER_LOGIN_ISSUER: `${ISSUER}/`,
        CONFLUENCE_MCP_BROWSER_LOGIN_CLIENT_ID: 'mcp-login',
      },
    });
    expect(config.connect.browserLogin).toEqual({
      issuer: ISSUER,
      clientId: 'mcp-login',
      scopes: ['openid'],
    });
  });

  it('refuses to start when the sign-in issuer is not the callers’ issuer: subjects would not compare', async () => {
    const failure = await buildRuntime(configWith('https://other.example.com'), silentLogger, {
      mode: 'http',
      publicUrl: 'http://127.0.0.1:3000',
      env,
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ConfigError);
    expect((failure as Error).message).toMatch(/browserLogin\.issuer .* must equal callerAuth\.issuer/);
  });

  it('serves the login callback over HTTP only', async () => {
    const http = await buildRuntime(configWith(ISSUER), silentLogger, {
      mode: 'http',
      publicUrl: 'http://127.0.0.1:3000',
      env,
    });
    expect(http.flow?.handles('/connect/login-callback')).toBe(true);
    await http.close();
    // The stdio user keeps tokens in a file under XDG_CONFIG_HOME: a temporary directory here.
    const stdio = await buildRuntime(configWith(ISSUER), silentLogger, {
      mode: 'stdio',
      env: { ...env, XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'cmcp-unit-')) },
    });
    expect(stdio.flow?.handles('/connect/login-callback')).toBe(false);
    await stdio.close();
  });
});
