import { execFile } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { type CliProcess, startCli } from '../support/cli.js';

// What a user gets from `npm pack`: built from a checkout that has never been built (prepack must build it), then
// installed into an empty folder and run from there, far from this checkout's dist/ and node_modules.

const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), 'cmcp-pack-'));
const checkout = join(work, 'checkout');
const app = join(work, 'app');
let tarball = '';
let files: string[] = [];
let bin = '';
let sandbox: CliProcess | undefined;

/** The files git tracks here, as they are in the working tree: a clean checkout without dist/. */
async function copyCheckout(): Promise<void> {
  const { stdout } = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: PACKAGE_ROOT,
    maxBuffer: 64 * 1024 * 1024,
  });
  for (const file of stdout.split('\0').filter(Boolean)) {
    if (!existsSync(join(PACKAGE_ROOT, file))) continue;
    mkdirSync(dirname(join(checkout, file)), { recursive: true });
    copyFileSync(join(PACKAGE_ROOT, file), join(checkout, file));
  }
  // The dev dependencies prepack builds with; installing them again would only test the registry.
  symlinkSync(join(PACKAGE_ROOT, 'node_modules'), join(checkout, 'node_modules'), 'dir');
}

beforeAll(async () => {
  await copyCheckout();
  expect(existsSync(join(checkout, 'dist'))).toBe(false);
  const packed = await run('npm', ['pack', '--json', '--pack-destination', work], {
    cwd: checkout,
    maxBuffer: 64 * 1024 * 1024,
  });
  const info = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as {
    filename: string;
    files: { path: string }[];
  }[];
  tarball = join(work, info[0]?.filename as string);
  files = (info[0]?.files ?? []).map((f) => f.path);
  mkdirSync(app);
  await run('npm', ['init', '-y'], { cwd: app });
  await run('npm', ['install', '--no-audit', '--no-fund', tarball], {
    cwd: app,
    maxBuffer: 64 * 1024 * 1024,
  });
  // The bin package.json names (the bundle), as npx and Claude Desktop start it.
  const installed = join(app, 'node_modules', 'confluence-mcp');
  const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as {
    bin: Record<string, string>;
  };
  bin = join(installed, manifest.bin['confluence-mcp'] as string);
}, 180_000);

afterAll(async () => {
  await sandbox?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('holds the built CLI, the default configuration and the licence, and no source maps', () => {
    expect(files).toContain('dist/src/cli.js');
    expect(files).toContain('dist/bin/cli.js');
    // The conversion pool's worker thread loads this file beside the pool.
    expect(files).toContain('dist/src/content/convert/worker.js');
    // ... and, in the bundled bin, its own entry beside cli.js.
    expect(files).toContain('dist/bin/worker.js');
    expect(files).toContain('mcp.config.json');
    expect(files).toContain('LICENSE');
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    expect(files.filter((f) => f.startsWith('dist/test/'))).toEqual([]);
  });

  it('installs into an empty folder with a working bin: --help', async () => {
    const { stdout } = await run('npx', ['--no-install', 'confluence-mcp', '--help'], { cwd: app });
    expect(stdout).toMatch(/^confluence-mcp \d+\.\d+\.\d+: an MCP server for Confluence Cloud/);
    expect(readdirSync(join(app, 'node_modules', '.bin'))).toContain('confluence-mcp');
  });

  it('runs the sandbox and answers a tool call over stdio, from the installed copy', async () => {
    sandbox = startCli(['sandbox', '--port', '0'], {}, bin);
    await sandbox.waitFor(/Press Ctrl\+C/, 30_000);
    const printed = Object.fromEntries(
      [...sandbox.stdout().matchAll(/^\s+([A-Z_]+)=(\S+)$/gm)].map((m) => [m[1], m[2]]),
    );
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [bin],
      cwd: app,
      env: {
        PATH: process.env.PATH ?? '',
        // The stdio front's kept answers go to the test's folder, not the user's ~/.cache.
        XDG_CACHE_HOME: app,
        CONFLUENCE_SITE_URL: printed.CONFLUENCE_SITE_URL as string,
        ATLASSIAN_EMAIL: printed.ATLASSIAN_EMAIL as string,
        ATLASSIAN_API_TOKEN: printed.ATLASSIAN_API_TOKEN as string,
      },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'packed-tarball', version: '1.0.0' });
    await client.connect(transport);
    try {
      const result = (await client.callTool({
        name: 'confluence_list_spaces',
        arguments: { keys: ['ENG'] },
      })) as CallToolResult;
      expect(result.isError).toBeFalsy();
      const spaces = (result.structuredContent as { spaces: { key: string }[] }).spaces;
      expect(spaces.map((s) => s.key)).toEqual(['ENG']);
      // Large bodies convert in the installed copy's worker threads: Markdown in, and Markdown out.
      const markdown =
        '## Part\n\nSome **bold** text and a [link](https://example.com).\n\n- one\n- two\n\n'.repeat(300);
      const created = (await client.callTool({
        name: 'confluence_create_page',
        arguments: { space: 'ENG', title: 'Converted in a worker', body: markdown },
      })) as CallToolResult;
      expect(created.isError, JSON.stringify(created.content)).toBeFalsy();
      const id = (created.structuredContent as { id: string }).id;
      const read = (await client.callTool({
        name: 'confluence_get_page',
        arguments: { page: id, max_chars: 500_000 },
      })) as CallToolResult;
      expect(read.isError, JSON.stringify(read.content)).toBeFalsy();
      expect((read.structuredContent as { body: string }).body).toBe(markdown.trimEnd());
      // A large page (over limits.conversion.inlineBelowChars) converts in a worker thread, which the bundled bin
      // carries as a file of its own.
      const search = (await client.callTool({
        name: 'confluence_search',
        arguments: { cql: 'title = "Fleet API v3 reference"', limit: 1 },
      })) as CallToolResult;
      const found = (search.structuredContent as { results: { id: string }[] }).results[0];
      expect(found, JSON.stringify(search.content)).toBeDefined();
      const page = (await client.callTool({
        name: 'confluence_get_page',
        arguments: { page: found?.id },
      })) as CallToolResult;
      expect(page.isError, JSON.stringify(page.content)).toBeFalsy();
      expect((page.structuredContent as { body_format: string; body: string }).body.length).toBeGreaterThan(
        0,
      );
    } finally {
      await client.close();
    }
  });
});
