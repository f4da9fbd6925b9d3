import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../src/paths.js';

/** The built CLI; end-to-end tests run the real binary, so `npm run build` must have run (npm test does). */
export const CLI = join(PACKAGE_ROOT, 'dist', 'src', 'cli.js');

export interface CliProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the first match of `pattern` in stdout (or stderr), or rejects after `timeoutMs` or on exit. */
  waitFor: (pattern: RegExp, timeoutMs?: number, stream?: 'stdout' | 'stderr') => Promise<RegExpExecArray>;
  stop: () => Promise<void>;
}

/**
 * Starts `confluence-mcp <args>` as a child process with `env` added to a clean environment; `bin` runs another
 * copy of the CLI (an installed package) instead of this checkout's build. Its config directory (where stdio keeps
 * its connection and `dev` its state) and cache directory (where stdio keeps its start-up answers) are fresh
 * temporary ones unless `env` names them: tests never write the user's.
 */
export function startCli(args: string[], env: Record<string, string> = {}, bin = CLI): CliProcess {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run npm run build first (npm test does it).`);
  const child = spawn(process.execPath, [bin, ...args], {
    env: {
      PATH: process.env.PATH ?? '',
      CONFLUENCE_MCP_LOG_LEVEL: 'info',
      XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'cmcp-config-')),
      XDG_CACHE_HOME: mkdtempSync(join(tmpdir(), 'cmcp-cache-')),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    waitFor: (pattern, timeoutMs = 15_000, stream = 'stdout') =>
      new Promise((resolve, reject) => {
        const source = stream === 'stdout' ? child.stdout : child.stderr;
        const check = () => {
          const match = pattern.exec(stream === 'stdout' ? out : err);
          if (match) {
            cleanup();
            resolve(match);
          }
        };
        const onExit = (code: number | null) => {
          cleanup();
          reject(new Error(`confluence-mcp exited (${code}) before printing ${pattern}:\n${out}\n${err}`));
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out waiting for ${pattern}:\n${out}\n${err}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          source?.off('data', check);
          child.off('exit', onExit);
        };
        source?.on('data', check);
        child.once('exit', onExit);
        check();
      }),
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
