import { readFileSync } from 'node:fs';
import {
  RUNNING_HEAP_FLAGS,
  SERVER_HEAP_FLAGS,
  thisProcess,
  tunedWhileRunning,
} from '../../src/start/heap.js';
import { type Bench, type BenchOptions, type Figure, figure } from './bench.js';
import { drive, readPage, rssMiB, startFleet } from './fleet.js';

const USERS = 16;

/** Calls to make: BENCH_RSS_CALLS when set, else 100k (400 with --quick). */
function callCount(quick: boolean): number {
  const given = Number(process.env.BENCH_RSS_CALLS);
  if (Number.isInteger(given) && given >= 10) return given;
  return quick ? 400 : 100_000;
}

/** The NODE_OPTIONS the container image runs the server with (Dockerfile), read from the Dockerfile itself. */
function imageNodeOptions(): string | undefined {
  const dockerfile = readFileSync(new URL('../../../Dockerfile', import.meta.url), 'utf8');
  return /NODE_OPTIONS="([^"]+)"/.exec(dockerfile)?.[1];
}

/**
 * The server's resident memory over many `confluence_get_page` calls by 16 users, sampled every tenth of the run:
 * the figure is the last sample; flat means the last is within 10% of the first (taken after a tenth of the calls,
 * once caches and the heap have settled). Measured as `confluence-mcp http` starts with no flags given (on Node
 * 22.15 and later it restarts in place with its server heap, src/start/heap.ts; an older Node tunes its default
 * heap), then, for comparison, with Node's default heap (CONFLUENCE_MCP_HEAP=off) where the server would have sized
 * it, or with the NODE_OPTIONS the container image sets where it could not.
 */
async function benchMemory(options: BenchOptions): Promise<Figure[]> {
  const restarts = thisProcess('http').execve !== undefined;
  const node = `Node ${process.versions.node}`;
  const started = await memoryOf(
    options,
    restarts
      ? `as confluence-mcp http starts on ${node} (restarted in place with ${SERVER_HEAP_FLAGS.join(' ')})`
      : tunedWhileRunning(thisProcess('http'))
        ? `as confluence-mcp http starts on ${node} (cannot restart in place: tuned while running with ${RUNNING_HEAP_FLAGS.join(' ')})`
        : `as confluence-mcp http starts on ${node} (default heap)`,
  );
  if (restarts) {
    const defaults = await memoryOf(options, "Node's default heap (CONFLUENCE_MCP_HEAP=off)", {
      CONFLUENCE_MCP_HEAP: 'off',
    });
    return [...started, ...defaults.map(({ goal: _goal, meets: _meets, ...row }) => row)];
  }
  const nodeOptions = imageNodeOptions();
  if (!nodeOptions) return started;
  return [
    ...started,
    ...(await memoryOf(options, `as the image runs it (${nodeOptions})`, { NODE_OPTIONS: nodeOptions })),
  ];
}

async function memoryOf(
  { quick, print }: BenchOptions,
  how: string,
  env?: Record<string, string>,
): Promise<Figure[]> {
  const total = callCount(quick);
  const step = Math.max(1, Math.floor(total / 10));
  const fleet = await startFleet(quick ? 4 : USERS, undefined, env);
  try {
    const samples: { calls: number; mib: number }[] = [{ calls: 0, mib: rssMiB(fleet.serverPid) }];
    for (let done = 0; done < total; done += step) {
      await drive(USERS, Math.min(step, total - done), (worker) => readPage(fleet, worker));
      samples.push({ calls: Math.min(done + step, total), mib: rssMiB(fleet.serverPid) });
    }
    print(
      `server RSS (${how}) over ${total} calls by ${USERS} users: ${samples.map((s) => `${s.calls}: ${s.mib.toFixed(0)} MiB`).join(', ')}`,
    );
    const first = samples[1] ?? samples[0];
    const last = samples[samples.length - 1] ?? samples[0];
    if (!first || !last) return [];
    const label = total >= 1000 ? `${total / 1000}k` : String(total);
    return [
      figure({
        figure: `server RSS after ${label} calls, ${how}`,
        value: last.mib,
        unit: 'MiB',
        baseline: { name: `after ${first.calls} calls`, value: first.mib },
        goal: { text: '< 150 MiB', on: 'value', atMost: 150 },
      }),
      figure({
        figure: `server RSS growth, ${first.calls} to ${last.calls} calls, ${how}`,
        value: ((last.mib - first.mib) / first.mib) * 100,
        unit: '%',
        goal: { text: 'flat: <= +10%', on: 'value', atMost: 10 },
      }),
    ];
  } finally {
    await fleet.close();
  }
}

/** Whether the server's memory stays flat and small over many calls. */
export const memoryBench: Bench = {
  name: 'memory: server RSS over many calls (BENCH_RSS_CALLS, default 100k)',
  run: benchMemory,
};
