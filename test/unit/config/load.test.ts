import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_CONFIG_PATH, loadConfig } from '../../../src/config/load.js';
import { configJsonSchema, configSchema } from '../../../src/config/schema.js';
import { GRANULAR_SCOPES } from '../../../src/confluence/scopes.js';
import { PACKAGE_ROOT } from '../../../src/paths.js';

function file(content: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'cmcp-config-'));
  const path = join(dir, 'mcp.config.json');
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

function failure(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('loads the packaged defaults: stdio, memory store, the 13 scopes plus offline_access', () => {
    const config = loadConfig({ env: {} });
    expect(config.transport).toBe('stdio');
    expect(config.tokenStore.url).toBe('memory://');
    expect(config.atlassian.callbackPath).toBe('/integration-callback');
    expect(config.atlassian.scopes).toEqual([...GRANULAR_SCOPES, 'offline_access']);
    expect(config.atlassian.scopes).toHaveLength(14);
  });

  it('keeps the packaged file equal to the schema defaults, so the file documents what runs', () => {
    const { $schema, ...packaged } = loadConfig({ env: {} });
    expect($schema).toBe('./mcp.config.schema.json');
    expect(packaged).toEqual(configSchema.parse({}));
  });

  it('fills every default for an empty file', () => {
    const config = loadConfig({ file: file({}), env: {} });
    expect(config.http).toMatchObject({ host: '127.0.0.1', port: 3000, maxBodyBytes: 4 * 1024 * 1024 });
    expect(config.tools.readOnly).toBe(false);
  });

  it('lets the environment override the file, with types parsed', () => {
    const config = loadConfig({
      file: file({ http: { port: 4000 } }),
      env: {
        CONFLUENCE_MCP_PORT: '5000',
        CONFLUENCE_MCP_READ_ONLY: 'true',
        CONFLUENCE_MCP_TOOLSETS: 'pages, search',
        CONFLUENCE_API_BASE_URL: 'http://127.0.0.1:9999/',
      },
    });
    expect(config.http.port).toBe(5000);
    expect(config.tools.readOnly).toBe(true);
    expect(config.tools.toolsets).toEqual(['pages', 'search']);
    expect(config.atlassian.apiBaseUrl).toBe('http://127.0.0.1:9999');
  });

  it('lets command-line overrides win over the environment', () => {
    const config = loadConfig({ env: { CONFLUENCE_MCP_PORT: '5000' }, overrides: { 'http.port': 6000 } });
    expect(config.http.port).toBe(6000);
  });

  it('names the field, where the bad value came from, and what is expected', () => {
    const message = failure(() => loadConfig({ env: { CONFLUENCE_MCP_PORT: '70000' } }));
    expect(message).toContain('http.port');
    expect(message).toContain('CONFLUENCE_MCP_PORT=70000');
    expect(message).toMatch(/65535/);
  });

  it('reports every bad field at once', () => {
    const message = failure(() =>
      loadConfig({ file: file({ transport: 'carrier-pigeon', tokenStore: { url: 'mysql://x' } }), env: {} }),
    );
    expect(message).toContain('transport');
    expect(message).toContain('tokenStore.url');
    expect(message).toContain('expected memory://');
  });

  it('refuses unknown fields, pointing at the schema', () => {
    const message = failure(() => loadConfig({ file: file({ http: { prot: 1 } }), env: {} }));
    expect(message).toContain('http');
    expect(message).toContain('prot');
    expect(message).toContain('mcp.config.schema.json');
  });

  it('refuses secrets in the file and names the variable to use instead', () => {
    const message = failure(() =>
      loadConfig({ file: file({ atlassian: { clientId: 'abc', clientSecret: 'shh' } }), env: {} }),
    );
    expect(message).toContain('atlassian.clientSecret');
    expect(message).toContain('ATLASSIAN_CLIENT_SECRET');
    expect(message).not.toContain('shh');
  });

  it('explains unreadable and malformed files', () => {
    expect(failure(() => loadConfig({ file: '/nonexistent/mcp.config.json', env: {} }))).toContain('ENOENT');
    expect(failure(() => loadConfig({ file: file('{ not json'), env: {} }))).toContain('not valid JSON');
    expect(failure(() => loadConfig({ file: file('[]'), env: {} }))).toContain('JSON object');
  });

  it('checks relations between fields', () => {
    const message = failure(() =>
      loadConfig({ file: file({ limits: { defaultPageSize: 200, maxPageSize: 50 } }), env: {} }),
    );
    expect(message).toContain('limits.defaultPageSize');
  });

  it('accepts every token store URL the store opens, rediss+cluster:// included', () => {
    for (const url of [
      'memory://',
      'file:///tmp/store.json',
      'redis://127.0.0.1:6379',
      'rediss://cache.example:6380',
      'redis+cluster://a:6379,b:6379',
      'rediss+cluster://a:6380,b:6380',
    ]) {
      expect(loadConfig({ env: { CONFLUENCE_MCP_TOKEN_STORE_URL: url } }).tokenStore.url).toBe(url);
    }
  });

  it('never repeats the value of a variable that may hold a password', () => {
    const message = failure(() =>
      loadConfig({
        env: { CONFLUENCE_MCP_TOKEN_STORE_URL: 'mysql://admin:hunter2-secret@db.internal:3306' },
      }),
    );
    expect(message).toContain('tokenStore.url');
    expect(message).toContain('CONFLUENCE_MCP_TOKEN_STORE_URL (value not shown');
    expect(message).not.toContain('hunter2');
    expect(message).not.toContain('db.internal');
  });

  it('hides the credentials of any URL it repeats from another variable', () => {
    const message = failure(() =>
      loadConfig({ env: { ATLASSIAN_AUTH_BASE_URL: 'ftp://user:s3cret-pass@auth.example' } }),
    );
    expect(message).toContain('atlassian.authBaseUrl');
    expect(message).toContain('ATLASSIAN_AUTH_BASE_URL=ftp://***@auth.example');
    expect(message).not.toContain('s3cret');
  });
});

describe('the JSON Schema for editors', () => {
  it('is committed and matches the zod schema (regenerate with npm run config:schema)', () => {
    const committed = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'mcp.config.schema.json'), 'utf8'));
    expect(committed).toEqual(configJsonSchema());
  });

  it('is what mcp.config.json points editors at', () => {
    expect(JSON.parse(readFileSync(DEFAULT_CONFIG_PATH, 'utf8')).$schema).toBe('./mcp.config.schema.json');
  });
});
