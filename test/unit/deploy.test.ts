import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { GRANULAR_SCOPES, OFFLINE_ACCESS } from '../../src/confluence/index.js';
import { PACKAGE_ROOT } from '../../src/paths.js';

// Containers cannot run here (test/e2e/fleet.test.ts runs the same topology with processes), so the recipe's files
// are checked against the code they configure: a variable the server never reads, or an instance the balancer does
// not know, would only show in production.
const read = (path: string) => readFileSync(join(PACKAGE_ROOT, path), 'utf8');

/** Every variable name the server's code mentions. */
function variablesTheServerReads(): Set<string> {
  const names = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (path.endsWith('.ts'))
        for (const m of readFileSync(path, 'utf8').matchAll(/\b(?:CONFLUENCE|ATLASSIAN)_[A-Z0-9_]+\b/g))
          names.add(m[0]);
    }
  };
  walk(join(PACKAGE_ROOT, 'src'));
  return names;
}

describe('the fleet recipe', () => {
  const compose = read('deploy/compose.yaml');
  const dockerfile = read('Dockerfile');
  const nginx = read('deploy/nginx.conf');

  it('sets only variables the server reads', () => {
    const known = variablesTheServerReads();
    const set = [
      ...[...compose.matchAll(/^\s+((?:CONFLUENCE|ATLASSIAN)_[A-Z0-9_]+):/gm)].map((m) => m[1]),
      ...[...dockerfile.matchAll(/\b((?:CONFLUENCE|ATLASSIAN)_[A-Z0-9_]+)=/g)].map((m) => m[1]),
    ];
    expect(set.length).toBeGreaterThan(10);
    expect(set.filter((name) => !known.has(name as string))).toEqual([]);
    for (const needed of [
      'ATLASSIAN_CLIENT_SECRET',
      'CONFLUENCE_MCP_ENCRYPTION_KEYS',
      'CONFLUENCE_MCP_TOKEN_STORE_URL',
      'CONFLUENCE_MCP_CALLER_ISSUER',
      'CONFLUENCE_MCP_CALLER_AUDIENCE',
      'CONFLUENCE_MCP_PUBLIC_URL',
    ]) {
      expect(set).toContain(needed);
    }
  });

  it('configures per-user OAuth over HTTP with Redis and every scope the tools use', () => {
    const config = loadConfig({ file: join(PACKAGE_ROOT, 'deploy', 'mcp.config.json'), env: {} });
    expect(config.transport).toBe('http');
    expect(config.http.host).toBe('0.0.0.0');
    expect(config.tokenStore.url).toMatch(/^redis:\/\/redis:6379$/);
    expect([...config.atlassian.scopes].sort()).toEqual([...GRANULAR_SCOPES, OFFLINE_ACCESS].sort());
    expect(config.atlassian.callbackPath).toBe('/integration-callback');
    // Docker's stop timeout must outlast the drain.
    const stopGrace = Number(/stop_grace_period: (\d+)s/.exec(compose)?.[1]) * 1000;
    expect(stopGrace).toBeGreaterThan(config.limits.shutdownGraceMs);
  });

  it('balances over every instance compose starts, and keeps /metrics off the public entry', () => {
    const instances = [...compose.matchAll(/^ {2}(mcp-\d+):$/gm)].map((m) => m[1]);
    expect(instances).toEqual(['mcp-1', 'mcp-2']);
    const upstream = [...nginx.matchAll(/^\s+server (mcp-\d+):3000/gm)].map((m) => m[1]);
    expect(upstream).toEqual(instances);
    expect(nginx).toMatch(/location = \/metrics \{\s+return 404;/);
    expect(nginx).toMatch(/proxy_buffering off;/);
    expect(compose).toMatch(/^ {2}redis:$/m);
    expect(compose).toMatch(/^ {2}nginx:$/m);
  });

  it('builds in two stages on Node 22 slim and runs as a user without privileges, health-checked on /readyz', () => {
    expect([...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1])).toEqual([
      'node:22-slim',
      'node:22-slim',
    ]);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\n.*\/readyz/m);
    // It runs what the package publishes as its bin, built by the same `npm run build`.
    const bin = (JSON.parse(read('package.json')) as { bin: Record<string, string> }).bin['confluence-mcp'];
    expect(dockerfile).toContain(`ENTRYPOINT ["node", "${bin}"]`);
    expect(dockerfile).toMatch(/^RUN npm run build/m);
    for (const copied of ['scripts', 'src', 'tools'])
      expect(dockerfile).toMatch(new RegExp(`^COPY ${copied} `, 'm'));
    const ignored = read('.dockerignore');
    for (const path of ['node_modules', '.env', '.git']) expect(ignored.split('\n')).toContain(path);
  });
});
