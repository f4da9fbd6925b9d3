import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { generateEncryptionKey } from '../../src/auth/index.js';
import { timeToToolsList } from '../bench/startup.js';
import { CLI } from '../support/cli.js';

// Start-up over stdio is mostly the loading of modules, so what the stdio path imports is the fact to pin: unlike a
// time it does not depend on the machine. The OAuth flow, caller verification, the store backends, the HTTP
// transport, the sandbox, the Markdown parser and the metrics load only when a command or a call needs them.

const TRACE = fileURLToPath(new URL('../support/trace-imports.mjs', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'cmcp-imports-'));

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** What must not load before it is used, by the URL of the module that gives it away. */
const ON_DEMAND: Record<string, RegExp> = {
  jose: /\/node_modules\/jose\//,
  ky: /\/node_modules\/ky\//,
  'the Redis client': /\/node_modules\/(@keyv\/redis|@redis\/)/,
  keyv: /\/node_modules\/keyv\//,
  'markdown-it': /\/node_modules\/markdown-it\//,
  'prom-client': /\/node_modules\/prom-client\//,
  'the HTTP transport (Hono)':
    /\/node_modules\/(hono|@hono\/node-server)\/|\/sdk\/dist\/esm\/server\/streamableHttp\.js$/,
  'the sandbox': /\/src\/sandbox\//,
  'the OAuth flow': /\/src\/auth\/atlassian\//,
  'caller verification': /\/src\/auth\/caller\/(verify|keys)\.js$/,
  'the store backends': /\/src\/auth\/store\/(memory|file|redis)-backend\.js$/,
};

function loadedBy(trace: string): string[] {
  return readFileSync(trace, 'utf8').split('\n').filter(Boolean);
}

function heavyIn(modules: readonly string[]): string[] {
  return Object.entries(ON_DEMAND)
    .filter(([, pattern]) => modules.some((url) => pattern.test(url)))
    .map(([name]) => name);
}

describe('what start-up loads', () => {
  it('stdio with an API token loads none of the on-demand parts before answering tools/list', async () => {
    const trace = join(work, 'stdio.txt');
    writeFileSync(trace, '');
    const answer = await timeToToolsList(['--import', TRACE, CLI], {
      PATH: process.env.PATH ?? '',
      HOME: work,
      TRACE_IMPORTS_FILE: trace,
      CONFLUENCE_SITE_URL: 'https://example.atlassian.net',
      ATLASSIAN_EMAIL: 'someone@example.com',
      ATLASSIAN_API_TOKEN: 'not-a-real-token',
    });
    expect(answer.bytes).toBeGreaterThan(1000);
    const modules = loadedBy(trace);
    // The trace sees the server itself and the SDK, so an empty list cannot pass for a lean one.
    expect(modules.some((url) => url.endsWith('/dist/src/cli.js'))).toBe(true);
    expect(modules.some((url) => url.includes('/node_modules/@modelcontextprotocol/sdk/'))).toBe(true);
    expect(heavyIn(modules)).toEqual([]);
  });

  it('stdio with answers kept from an earlier start answers tools/list before loading the SDK, zod or the tools', async () => {
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: work,
      XDG_CACHE_HOME: join(work, 'kept-cache'),
      CONFLUENCE_SITE_URL: 'https://example.atlassian.net',
      ATLASSIAN_EMAIL: 'someone@example.com',
      ATLASSIAN_API_TOKEN: 'not-a-real-token',
    };
    // The first start is answered by the SDK server and keeps its answers (src/start); the second is traced.
    await timeToToolsList(['--import', TRACE, CLI], env);
    const trace = join(work, 'kept.txt');
    writeFileSync(trace, '');
    await timeToToolsList(['--import', TRACE, CLI], { ...env, TRACE_IMPORTS_FILE: trace });
    const lines = loadedBy(trace);
    // The second stdout write is the answer to tools/list; what loaded before it is what the client waited for.
    const writes = lines.flatMap((line, i) => (line === 'stdout write' ? [i] : []));
    expect(writes.length).toBeGreaterThanOrEqual(2);
    const before = lines.slice(0, writes[1]);
    const after = lines.slice(writes[1]);
    expect(before.some((url) => url.endsWith('/dist/src/start/front.js'))).toBe(true);
    const heavy =
      /\/node_modules\/(@modelcontextprotocol\/sdk|zod)\/|\/dist\/tools\/|\/dist\/src\/commands\.js$/;
    expect(before.filter((url) => heavy.test(url))).toEqual([]);
    // The server does load once the front has answered, and serves the rest.
    expect(after.some((url) => url.includes('/node_modules/@modelcontextprotocol/sdk/'))).toBe(true);
    expect(after.some((url) => url.endsWith('/dist/tools/index.js'))).toBe(true);
  });

  it('http with per-user OAuth and verified callers does load the OAuth flow, jose and the HTTP transport', async () => {
    const trace = join(work, 'http.txt');
    writeFileSync(trace, '');
    const config = join(work, 'mcp.config.json');
    writeFileSync(
      config,
      JSON.stringify({
        http: { host: '127.0.0.1', port: 0 },
        atlassian: { authBaseUrl: 'http://127.0.0.1:9', apiBaseUrl: 'http://127.0.0.1:9', clientId: 'app' },
        callerAuth: { issuer: 'http://127.0.0.1:9/idp', jwksUrl: 'http://127.0.0.1:9/idp/jwks.json' },
        tokenStore: { url: 'memory://' },
      }),
    );
    const child = spawn(process.execPath, ['--import', TRACE, CLI, 'http', '--config', config], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: work,
        TRACE_IMPORTS_FILE: trace,
        ATLASSIAN_CLIENT_SECRET: 'app-secret',
        CONFLUENCE_MCP_ENCRYPTION_KEYS: generateEncryptionKey('imports'),
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    await new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('serving MCP over Streamable HTTP')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`http exited (${code}):\n${stderr}`)));
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    const loaded = heavyIn(loadedBy(trace));
    expect(loaded).toEqual(
      expect.arrayContaining([
        'jose',
        'ky',
        'the HTTP transport (Hono)',
        'the OAuth flow',
        'caller verification',
      ]),
    );
    // The memory store is all this configuration asks for: neither Redis nor the file backend.
    expect(loaded).not.toContain('the Redis client');
  });
});
