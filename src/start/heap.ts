/**
 * The heap an HTTP server runs in. Under steady load V8's default sizing keeps about 180 MiB of heap committed
 * around some 40 MiB of live objects, an RSS near 250 MiB per instance, and never gives it back while requests keep
 * coming. A young generation of 4 MiB semi-spaces and a capped old space keep it near 120 MiB (npm run bench, section
 * memory). Those are start-up flags: V8 sizes its heap when the process starts, so a running server cannot shrink
 * it (`v8.setFlagsFromString` after start changes nothing). Where Node can replace the process image
 * (`process.execve`, Node 22.15 and later), `confluence-mcp http` restarts itself with them, in the same process:
 * same pid, same stdio, nothing to supervise. Where it cannot, or the operator chose heap flags, nothing happens.
 */

/** The flags the server runs with when none are given; the container image sets the same (Dockerfile). */
export const SERVER_HEAP_FLAGS = ['--max-semi-space-size=4', '--max-old-space-size=128'] as const;

/** Set in the restarted process, so that it never restarts again; also the operator's way to opt out (`off`). */
export const HEAP_ENV = 'CONFLUENCE_MCP_HEAP';

const chosenByOperator = /(^|\s)--(max-old-space-size|max-semi-space-size|max-young-generation-size)(=|\s|$)/;

export interface HeapContext {
  command: string;
  execArgv: readonly string[];
  env: NodeJS.ProcessEnv;
  /** `process.execve` where the runtime has it. */
  execve: ((file: string, args?: readonly string[], env?: NodeJS.ProcessEnv) => never) | undefined;
}

/** This process's context for `command`, with `process.execve` where the runtime has it. */
export function thisProcess(command: string): HeapContext {
  const execve = (process as { execve?: HeapContext['execve'] }).execve?.bind(process);
  return { command, execArgv: process.execArgv, env: process.env, execve };
}

/** Why the server keeps the heap it has, or undefined when it should restart with SERVER_HEAP_FLAGS. */
export function keepHeapBecause({ command, execArgv, env, execve }: HeapContext): string | undefined {
  if (command !== 'http') return 'only the HTTP server is tuned';
  if (env[HEAP_ENV] === 'tuned') return 'already restarted with the server heap flags';
  if (env[HEAP_ENV] === 'off') return `${HEAP_ENV}=off`;
  if (chosenByOperator.test(execArgv.join(' ')) || chosenByOperator.test(env.NODE_OPTIONS ?? ''))
    return 'heap flags given';
  if (typeof execve !== 'function')
    return 'this Node cannot restart in place (process.execve needs Node 22.15)';
  return undefined;
}

/**
 * Restarts this process in place with the server heap flags when keepHeapBecause says nothing against it; returns
 * (without restarting) otherwise. `argv` is process.argv: node, the script, then the arguments.
 */
export function tuneServerHeap(context: HeapContext, argv: readonly string[], execPath: string): void {
  if (keepHeapBecause(context) !== undefined || !context.execve) return;
  context.execve(execPath, [execPath, ...SERVER_HEAP_FLAGS, ...context.execArgv, ...argv.slice(1)], {
    ...context.env,
    [HEAP_ENV]: 'tuned',
  });
}
