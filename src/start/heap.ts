import { setFlagsFromString } from 'node:v8';

/**
 * The heap an HTTP server runs in. Under steady load V8's default sizing keeps about 180 MiB of heap committed
 * around some 40 MiB of live objects, an RSS near 250 MiB per instance, and never gives it back while requests keep
 * coming. A young generation of 4 MiB semi-spaces and a capped old space keep it near 120 MiB (npm run bench, section
 * memory). Those sizes are start-up flags: V8 sizes its heap when the process starts. Where Node can replace the
 * process image (`process.execve`, Node 22.15 and later), `confluence-mcp http` restarts itself with them, in the
 * same process: same pid, same stdio, nothing to supervise. Where it cannot (Node 20), the server sets the V8 flags a
 * running heap does read at each garbage collection (RUNNING_HEAP_FLAGS), which keep it under 150 MiB. Where
 * the operator chose heap flags, or turned this off, nothing happens.
 */

/** The flags the server runs with when none are given; the container image sets the same (Dockerfile). */
export const SERVER_HEAP_FLAGS = ['--max-semi-space-size=4', '--max-old-space-size=128'] as const;

/**
 * What a running heap reads at each collection, set where the process cannot restart: the old generation may grow
 * to 1.3 times what survived the last full collection before the next one (V8's own factor goes up to 4 on a large
 * heap, which is where most of the 250 MiB comes from). The young generation keeps its default size: capping it too
 * saves another 30 MiB but costs 40% more CPU per call (1.22 against 0.87 ms at 16 users). Measured on
 * Node 20 with `npm run bench -- --only server,memory`: see the README.
 */
export const RUNNING_HEAP_FLAGS = ['--heap-growing-percent=30'] as const;

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
  if (typeof execve !== 'function') return CANNOT_RESTART;
  return undefined;
}

const CANNOT_RESTART = 'this Node cannot restart in place (process.execve needs Node 22.15)';

/** Whether a process keeps its heap only because its Node cannot restart in place: it is tuned while running then. */
export function tunedWhileRunning(context: HeapContext): boolean {
  return keepHeapBecause(context) === CANNOT_RESTART;
}

/**
 * Restarts this process in place with the server heap flags when keepHeapBecause says nothing against it; sets
 * RUNNING_HEAP_FLAGS when only its Node's age stands against it; otherwise returns, changing nothing. `argv` is process.argv: node, the script, then the arguments.
 */
export function tuneServerHeap(
  context: HeapContext,
  argv: readonly string[],
  execPath: string,
  setFlags: (flags: string) => void = setFlagsFromString,
): void {
  if (tunedWhileRunning(context)) {
    for (const flag of RUNNING_HEAP_FLAGS) setFlags(flag);
    return;
  }
  if (keepHeapBecause(context) !== undefined || !context.execve) return;
  context.execve(execPath, [execPath, ...SERVER_HEAP_FLAGS, ...context.execArgv, ...argv.slice(1)], {
    ...context.env,
    [HEAP_ENV]: 'tuned',
  });
}
