import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CLI, type CliProcess, startCli } from '../support/cli.js';
import { node22, node22Requirement } from '../support/node22.js';
import { describeRequiring } from '../support/requires.js';

// Clients people really use, as they use them: the MCP Inspector's CLI over stdio and over Streamable HTTP (with the
// very command `dev` prints), and the MCP conformance suite's server scenarios that apply to this server.

const run = promisify(execFile);
const require = createRequire(import.meta.url);

/** The file a package's bin names, resolved in this project's node_modules. */
function binOf(pkg: string, name: string): string {
  const manifest = require.resolve(`${pkg}/package.json`);
  const bins = (require(manifest) as { bin: Record<string, string> }).bin;
  return join(dirname(manifest), bins[name] as string);
}

/** Runs a Node CLI with the new-enough Node; resolves with stdout whatever the exit code, with the code. */
async function runWithNode22(script: string, args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(node22 as string, [script, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
      maxBuffer: 32 * 1024 * 1024,
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/** The words of a printed shell command: spaces separate, double quotes group. */
function words(command: string): string[] {
  return [...command.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? (m[2] as string));
}

/** The first JSON value in a client's output (logs of the server may precede it on the same stream). */
function jsonIn(text: string): unknown {
  return JSON.parse(text.slice(text.indexOf('{')));
}

describeRequiring(node22Requirement, 'real MCP clients: the Inspector CLI and the conformance suite', () => {
  let dev: CliProcess;
  let banner: string;

  beforeAll(async () => {
    dev = startCli(['dev', '--port', '0', '--sandbox-port', '0']);
    await dev.waitFor(/Press Ctrl\+C/, 30_000);
    banner = dev.stdout();
  });

  afterAll(async () => {
    await dev?.stop();
  });

  it('the Inspector command `dev` prints lists the tools over Streamable HTTP, bearer token included', async () => {
    // `dev` runs on the Node running these tests: on one older than 22.19 it must say the Inspector needs newer.
    const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
    const tooOld = major < 22 || (major === 22 && minor < 19);
    expect(banner.includes('it needs Node 22.19 or later')).toBe(tooOld);
    const line = /^\s*npx @modelcontextprotocol\/inspector (--cli .*)$/m.exec(banner)?.[1];
    expect(line, banner).toBeDefined();
    const result = await runWithNode22(
      binOf('@modelcontextprotocol/inspector', 'mcp-inspector'),
      words(line as string),
    );
    expect(result.code, result.stderr).toBe(0);
    const tools = (jsonIn(result.stdout) as { tools: { name: string }[] }).tools.map((t) => t.name);
    expect(tools).toContain('confluence_get_page');
    expect(tools).toContain('confluence_search');
  });

  it('the Inspector calls a tool over stdio, with the credentials `dev` prints for Claude Desktop', async () => {
    const env = Object.fromEntries(
      [...banner.matchAll(/"(CONFLUENCE_SITE_URL|ATLASSIAN_EMAIL|ATLASSIAN_API_TOKEN)": "([^"]+)"/g)].map(
        (m) => [m[1], m[2]],
      ),
    ) as Record<string, string>;
    expect(Object.keys(env).sort()).toEqual([
      'ATLASSIAN_API_TOKEN',
      'ATLASSIAN_EMAIL',
      'CONFLUENCE_SITE_URL',
    ]);
    const result = await runWithNode22(binOf('@modelcontextprotocol/inspector', 'mcp-inspector'), [
      '--cli',
      ...Object.entries(env).flatMap(([key, value]) => ['-e', `${key}=${value}`]),
      '--method',
      'tools/call',
      '--tool-name',
      'confluence_list_spaces',
      '--tool-arg',
      'keys=["ENG"]',
      '--',
      process.execPath,
      CLI,
    ]);
    expect(result.code, result.stderr).toBe(0);
    const answer = jsonIn(result.stdout) as {
      isError?: boolean;
      structuredContent: { spaces: { key: string }[] };
    };
    expect(answer.isError).toBeFalsy();
    expect(answer.structuredContent.spaces.map((s) => s.key)).toEqual(['ENG']);
  });

  it.each(['server-initialize', 'ping', 'tools-list', 'logging-set-level', 'dns-rebinding-protection'])(
    'passes the conformance scenario %s over HTTP with a single-user credential',
    async (scenario) => {
      // The suite sends no Authorization header, so it runs against a server acting with one credential.
      const env = Object.fromEntries(
        [...banner.matchAll(/"(CONFLUENCE_SITE_URL|ATLASSIAN_EMAIL|ATLASSIAN_API_TOKEN)": "([^"]+)"/g)].map(
          (m) => [m[1], m[2]],
        ),
      ) as Record<string, string>;
      const http = startCli(['http', '--port', '0'], env);
      try {
        const [, url] = (await http.waitFor(/"url":"([^"]+\/mcp)"/, 20_000, 'stderr')) as unknown as [
          string,
          string,
        ];
        const result = await runWithNode22(binOf('@modelcontextprotocol/conformance', 'conformance'), [
          'server',
          '--url',
          url,
          '--scenario',
          scenario,
        ]);
        const summary = /Passed: (\d+)\/(\d+), (\d+) failed/.exec(result.stdout);
        expect(summary, `${result.stdout}\n${result.stderr}`).not.toBeNull();
        const [, passed, total, failed] = summary as unknown as [string, string, string, string];
        expect({ passed: Number(passed), failed: Number(failed) }).toEqual({
          passed: Number(total),
          failed: 0,
        });
        expect(Number(total)).toBeGreaterThan(0);
        expect(result.code).toBe(0);
      } finally {
        await http.stop();
      }
    },
  );
});
