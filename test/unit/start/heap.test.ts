import { describe, expect, it } from 'vitest';
import {
  HEAP_ENV,
  type HeapContext,
  keepHeapBecause,
  RUNNING_HEAP_FLAGS,
  tunedWhileRunning,
  tuneServerHeap,
} from '../../../src/start/heap.js';

const execve = (() => {
  throw new Error('not in a unit test');
}) as HeapContext['execve'];
const base: HeapContext = { command: 'http', execArgv: [], env: {}, execve };

describe('when the HTTP server restarts itself with a server heap', () => {
  it('does when nothing chose a heap and Node can restart in place', () => {
    expect(keepHeapBecause(base)).toBeUndefined();
  });

  it.each([
    ['another command', { command: 'stdio' }, /only the HTTP server/],
    ['an old-space flag on the command line', { execArgv: ['--max-old-space-size=512'] }, /heap flags given/],
    [
      'a semi-space flag in NODE_OPTIONS',
      { env: { NODE_OPTIONS: '--inspect --max-semi-space-size 8' } },
      /given/,
    ],
    ['a young-generation flag', { env: { NODE_OPTIONS: '--max-young-generation-size=16' } }, /given/],
    ['the operator turning it off', { env: { [HEAP_ENV]: 'off' } }, /=off/],
    ['a process that already restarted', { env: { [HEAP_ENV]: 'tuned' } }, /already restarted/],
    ['a Node without process.execve', { execve: undefined }, /Node 22\.15/],
  ])('keeps the heap it has for %s', (_name, change, why) => {
    expect(keepHeapBecause({ ...base, ...change })).toMatch(why);
  });

  it('does not take a flag that only starts like a heap flag for one', () => {
    expect(
      keepHeapBecause({ ...base, env: { NODE_OPTIONS: '--max-old-space-size-per-isolate=1' } }),
    ).toBeUndefined();
  });

  it('restarts with the flags first, then the ones it had, the script and its arguments, marked as restarted', () => {
    const calls: { file: string; args: readonly string[] | undefined; env: NodeJS.ProcessEnv | undefined }[] =
      [];
    const record = ((file: string, args?: readonly string[], env?: NodeJS.ProcessEnv) => {
      calls.push({ file, args, env });
    }) as HeapContext['execve'];
    tuneServerHeap(
      { ...base, execArgv: ['--enable-source-maps'], env: { KEEP: '1' }, execve: record },
      ['/usr/bin/node', '/app/cli.js', 'http', '--port', '0'],
      '/usr/bin/node',
    );
    expect(calls).toEqual([
      {
        file: '/usr/bin/node',
        args: [
          '/usr/bin/node',
          '--max-semi-space-size=4',
          '--max-old-space-size=128',
          '--enable-source-maps',
          '/app/cli.js',
          'http',
          '--port',
          '0',
        ],
        env: { KEEP: '1', [HEAP_ENV]: 'tuned' },
      },
    ]);
    tuneServerHeap(
      { ...base, command: 'stdio', execve: record },
      ['/usr/bin/node', '/app/cli.js'],
      '/usr/bin/node',
    );
    expect(calls).toHaveLength(1);
  });
});

describe('when the HTTP server tunes the heap it has, while running', () => {
  const argv = ['/usr/bin/node', '/app/cli.js', 'http'];

  it('sets the running-heap flags on a Node that cannot restart in place, and nothing else', () => {
    const set: string[] = [];
    tuneServerHeap({ ...base, execve: undefined }, argv, '/usr/bin/node', (flag) => set.push(flag));
    expect(set).toEqual([...RUNNING_HEAP_FLAGS]);
    expect(set).toEqual(['--heap-growing-percent=30']);
    expect(tunedWhileRunning({ ...base, execve: undefined })).toBe(true);
  });

  it.each([
    ['a Node that restarts in place instead', {}, 1],
    ['another command', { command: 'stdio', execve: undefined }, 0],
    [
      'heap flags the operator chose',
      { execve: undefined, env: { NODE_OPTIONS: '--max-old-space-size=300' } },
      0,
    ],
    ['the operator turning it off', { execve: undefined, env: { [HEAP_ENV]: 'off' } }, 0],
  ])('sets nothing for %s', (_name, change, restarts) => {
    const set: string[] = [];
    const calls: string[] = [];
    const context = {
      ...base,
      execve: ((file: string) => void calls.push(file)) as HeapContext['execve'],
      ...change,
    };
    tuneServerHeap(context, argv, '/usr/bin/node', (flag) => set.push(flag));
    expect(set).toEqual([]);
    expect(calls).toHaveLength(restarts);
    expect(tunedWhileRunning(context)).toBe(false);
  });
});
