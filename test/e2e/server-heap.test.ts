import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI } from '../support/cli.js';
import { node22, node22Requirement } from '../support/node22.js';
import { describeRequiring } from '../support/requires.js';

// `confluence-mcp http` sizes its heap for a server (src/start/heap.ts): where Node can replace the process image it
// restarts in place with a small young generation and a capped old space, and it logs which heap it runs in.

interface HeapLine {
  msg: string;
  limitMiB: number;
  why?: string;
  flags?: string[];
  pid: number;
}

const stops: (() => void)[] = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});

/** Starts `node CLI http --port 0` and resolves with the process's pid and its heap log line. */
function startHttp(node: string, env: Record<string, string> = {}): Promise<{ pid: number; heap: HeapLine }> {
  const child = spawn(node, [CLI, 'http', '--port', '0'], {
    env: {
      PATH: process.env.PATH ?? '',
      XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'cmcp-config-')),
      CONFLUENCE_MCP_LOG_LEVEL: 'info',
      CONFLUENCE_SITE_URL: 'https://heap-test.atlassian.net',
      ATLASSIAN_EMAIL: 'heap@example.com',
      ATLASSIAN_API_TOKEN: 'heap-test-token',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  stops.push(() => child.kill('SIGKILL'));
  return new Promise((resolve, reject) => {
    let err = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      const line = err.split('\n').find((l) => l.includes('"heap '));
      if (line && child.pid !== undefined) resolve({ pid: child.pid, heap: JSON.parse(line) as HeapLine });
    });
    child.once('exit', (code) =>
      reject(new Error(`confluence-mcp http exited (${code}) before its heap line:\n${err}`)),
    );
  });
}

const canRestartInPlace = typeof (process as { execve?: unknown }).execve === 'function';

describe('the HTTP server’s heap, on the Node running the tests', () => {
  it(
    canRestartInPlace
      ? 'restarts in place (the same pid) with the server heap flags'
      : 'tunes the heap it has while running, since this Node cannot restart in place',
    async () => {
      const { pid, heap } = await startHttp(process.execPath);
      expect(heap.pid).toBe(pid);
      if (canRestartInPlace) {
        expect(heap.msg).toBe('heap sized for a server');
        expect(heap.limitMiB).toBeGreaterThanOrEqual(128);
        expect(heap.limitMiB).toBeLessThan(200);
      } else {
        expect(heap).toMatchObject({
          msg: 'heap tuned while running',
          flags: ['--heap-growing-percent=30'],
        });
      }
    },
  );

  it('keeps the heap an operator chose with NODE_OPTIONS, or when told not to size it', async () => {
    const chosen = await startHttp(process.execPath, { NODE_OPTIONS: '--max-old-space-size=300' });
    expect(chosen.heap).toMatchObject({ msg: 'heap as Node sized it', why: 'heap flags given' });
    expect(chosen.heap.limitMiB).toBeGreaterThanOrEqual(300);
    const off = await startHttp(process.execPath, { CONFLUENCE_MCP_HEAP: 'off' });
    expect(off.heap).toMatchObject({ msg: 'heap as Node sized it', why: 'CONFLUENCE_MCP_HEAP=off' });
    expect(off.heap.limitMiB).toBeGreaterThan(300);
  });
});

describeRequiring(node22Requirement, 'the HTTP server’s heap on Node 22', () => {
  it('restarts in place with the server heap flags', async () => {
    const { pid, heap } = await startHttp(node22 as string);
    expect(heap).toMatchObject({ msg: 'heap sized for a server', pid });
    expect(heap.limitMiB).toBeLessThan(200);
  });
});
