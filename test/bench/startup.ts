import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { type Bench, type BenchOptions, type Figure, figure, median } from './bench.js';
import { cpuMs } from './proc.js';

/** The package's bin (package.json), as `npx confluence-mcp` or Claude Desktop starts it. */
export function packageBin(): string {
  const { bin } = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as {
    bin: Record<string, string>;
  };
  return join(PACKAGE_ROOT, bin['confluence-mcp'] ?? 'dist/src/cli.js');
}

/** The baseline: a one-tool server on the same SDK (minimal-server.ts, built beside this file). */
const MINIMAL = fileURLToPath(new URL('./minimal-server.js', import.meta.url));

const line = (message: unknown) => `${JSON.stringify(message)}\n`;

/** A tool that answers from the credentials in the environment alone, with no request to Confluence. */
const OUR_CALL: FirstCall = { name: 'confluence_get_connection', arguments: {} };
const MINIMAL_CALL: FirstCall = { name: 'echo', arguments: { text: 'hello' } };

/** A tool call a start is timed to: a client's first call once it has the list. */
export interface FirstCall {
  name: string;
  arguments: Record<string, unknown>;
}

/**
 * Milliseconds from spawning `node <args>` to the answer to `tools/list` over stdio (initialize, initialized,
 * tools/list, as a client sends them), the CPU milliseconds the process had used by then (a figure a busy machine
 * disturbs less than the wall clock), and the answer's size in bytes. With `call`, that tool is called as soon as
 * the list is answered and `callMs` is the spawn to its answer. The process is then closed by ending stdin.
 */
export function timeToToolsList(
  args: readonly string[],
  env: Record<string, string>,
  call?: FirstCall,
): Promise<{ ms: number; cpuMs: number; bytes: number; callMs?: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    let buffered = '';
    let answered: { ms: number; cpuMs: number; bytes: number; callMs?: number } | undefined;
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
        const text = buffered.slice(0, end);
        buffered = buffered.slice(end + 1);
        const message = JSON.parse(text) as { id?: number; error?: unknown };
        if (message.error) return reject(new Error(`server answered an error: ${text}`));
        if (message.id === 1) {
          child.stdin.write(line({ jsonrpc: '2.0', method: 'notifications/initialized' }));
          child.stdin.write(line({ jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} }));
        } else if (message.id === 2) {
          const ms = performance.now() - started;
          answered = { ms, cpuMs: cpuMs(child.pid ?? 0), bytes: Buffer.byteLength(text) };
          if (!call) child.stdin.end();
          else child.stdin.write(line({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: call }));
        } else if (message.id === 3 && answered) {
          const result = (message as { result?: { isError?: boolean } }).result;
          if (result?.isError) return reject(new Error(`${call?.name} failed: ${text}`));
          answered.callMs = performance.now() - started;
          child.stdin.end();
        }
      }
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      answered
        ? resolve(answered)
        : reject(
            new Error(`node ${args.join(' ')} exited (${code}) before answering tools/list:\n${stderr}`),
          ),
    );
    child.stdin.write(
      line({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: {
          protocolVersion: '2025-06-18',
          capabilities: {},
          clientInfo: { name: 'bench', version: '1' },
        },
      }),
    );
  });
}

/** Milliseconds from spawning `node -e 0` to its exit: the floor any Node server starts from. */
function timeNodeAlone(env: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['-e', '0'], { env, stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', () => resolve(performance.now() - started));
  });
}

async function benchStartup({ quick, print }: BenchOptions): Promise<Figure[]> {
  const home = mkdtempSync(join(tmpdir(), 'cmcp-bench-'));
  // The stdio user with a personal API token, as Claude Desktop starts the server; nothing is fetched at start.
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: home,
    CONFLUENCE_SITE_URL: 'https://bench.atlassian.net',
    ATLASSIAN_EMAIL: 'bench@example.com',
    ATLASSIAN_API_TOKEN: 'bench-token',
  };
  const runs = quick ? 3 : 21;
  const ours: { ms: number; cpuMs: number; callMs?: number }[] = [];
  const minimal: { ms: number; cpuMs: number; callMs?: number }[] = [];
  const bare: number[] = [];
  let bytes = 0;
  try {
    // Untimed rounds first, so every file is in the page cache and the stdio front has the answers of this start
    // kept (the first start of a configuration is answered by the server; src/start); then the three interleaved.
    // Each start also calls a tool as soon as it has the list, a call that needs the whole server: the front moves
    // the loading behind tools/list, and that figure shows where it went.
    for (let round = -2; round < runs; round++) {
      const oursNow = await timeToToolsList([packageBin()], env, OUR_CALL);
      const minimalNow = await timeToToolsList([MINIMAL], env, MINIMAL_CALL);
      const bareNow = await timeNodeAlone(env);
      if (round < 0) continue;
      ours.push(oursNow);
      minimal.push(minimalNow);
      bare.push(bareNow);
      bytes = oursNow.bytes;
    }
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
  print(
    `spawn to the tools/list answer over stdio, median of ${runs} interleaved runs (${packageBin().slice(PACKAGE_ROOT.length + 1)}, API-token user, start-up answers kept by the warm-up; the answer is ${bytes} bytes)`,
  );
  const baseline = { name: 'minimal one-tool server, same SDK', value: median(minimal.map((r) => r.ms)) };
  return [
    figure({
      figure: 'start-up over stdio, spawn to tools/list',
      value: median(ours.map((r) => r.ms)),
      unit: 'ms',
      baseline,
      goal: { text: '<= 0.6x', on: 'ratio', atMost: 0.6 },
    }),
    figure({
      figure: 'start-up CPU, spawn to tools/list',
      value: median(ours.map((r) => r.cpuMs)),
      unit: 'ms',
      baseline: { name: 'minimal one-tool server, same SDK', value: median(minimal.map((r) => r.cpuMs)) },
      note: 'CPU of the server process until it answered (/proc, 10 ms ticks): steadier than wall time on a busy machine',
    }),
    figure({
      figure: 'start-up over stdio, spawn to the first tools/call',
      value: median(ours.map((r) => r.callMs ?? Number.NaN)),
      unit: 'ms',
      baseline: {
        name: 'minimal one-tool server, same SDK',
        value: median(minimal.map((r) => r.callMs ?? Number.NaN)),
      },
      note: 'a call sent as soon as tools/list is answered (confluence_get_connection, no request upstream): it waits for the whole server',
    }),
    figure({
      figure: 'start-up: node -e 0 (spawn to exit)',
      value: median(bare),
      unit: 'ms',
      baseline,
      note: 'the floor: Node itself',
    }),
  ];
}

/** Start-up of the package's bin over stdio against a minimal server on the same SDK and `node -e 0`. */
export const startupBench: Bench = {
  name: 'startup: spawn to the tools/list answer over stdio',
  run: benchStartup,
};
