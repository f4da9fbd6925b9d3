import { configSchema } from '../../src/config/index.js';
import { type Bench, type BenchOptions, type Figure, figure, median, quantile } from './bench.js';
import { cpuMs, drive, type Fleet, readPage, startFleet } from './fleet.js';

/** Rounds per concurrency: the server and the bare proxy take turns, so a burst of load elsewhere hits both. */
const ROUNDS = 5;

/** One run of calls: the process's CPU per call, and the calls a second. */
interface Run {
  cpuPerCall: number;
  perSecond: number;
}

const medianRun = (runs: readonly Run[]): Run => ({
  cpuPerCall: median(runs.map((run) => run.cpuPerCall)),
  perSecond: median(runs.map((run) => run.perSecond)),
});

/** The lowest and highest CPU per call of some runs, as `0.81-0.93`. */
const spread = (runs: readonly Run[]): string => {
  const values = runs.map((run) => run.cpuPerCall);
  return `${Math.min(...values).toFixed(2)}-${Math.max(...values).toFixed(2)}`;
};

/**
 * CPU and throughput of `confluence_get_page` at each concurrency, against the bare proxy of the same GET: CPU per
 * call is a process's CPU over a run divided by its calls. The two take turns for {@link ROUNDS} runs each (the proxy
 * first in even rounds, the server first in odd ones), and each figure is the median of its runs. On a shared
 * 2-core machine one run of either moved by 10% or more from one minute to the next; a run also holds few major
 * collections, so a single run is a matter of luck.
 */
async function perCall(fleet: Fleet, quick: boolean, print: (line: string) => void): Promise<Figure[]> {
  const figures: Figure[] = [];
  // Long enough for V8 to have optimised both servers' hot paths: after 300 calls, a third of the server's CPU per
  // call (and half the bare proxy's) was still the JIT warming up, a start-up cost the per-call figure is not about.
  const warmUp = quick ? 10 : 5000;
  await drive(4, warmUp, (worker) => readPage(fleet, worker));
  await drive(4, warmUp, () => fleet.proxy.call());
  const rounds = quick ? 1 : ROUNDS;
  for (const users of [1, 16, 64]) {
    const calls = quick ? 2 * users : users === 1 ? 800 : 3000;
    const measure = async (pid: number, call: (worker: number) => Promise<void>): Promise<Run> => {
      const cpuBefore = cpuMs(pid);
      const ms = await drive(users, calls, call);
      return { cpuPerCall: (cpuMs(pid) - cpuBefore) / calls, perSecond: (calls * 1000) / ms };
    };
    const runs: { ours: Run[]; proxy: Run[] } = { ours: [], proxy: [] };
    for (let round = 0; round < rounds; round++) {
      const proxyRun = () => measure(fleet.proxy.pid, () => fleet.proxy.call());
      const ourRun = () => measure(fleet.serverPid, (worker) => readPage(fleet, worker));
      if (round % 2 === 0) {
        runs.proxy.push(await proxyRun());
        runs.ours.push(await ourRun());
      } else {
        runs.ours.push(await ourRun());
        runs.proxy.push(await proxyRun());
      }
    }
    const ours = medianRun(runs.ours);
    const proxy = medianRun(runs.proxy);
    print(
      `${users} user(s), ${rounds} x ${calls} calls, medians: server ${ours.cpuPerCall.toFixed(2)} ms CPU a call (runs ${spread(runs.ours)}), ${ours.perSecond.toFixed(0)} calls/s; bare proxy ${proxy.cpuPerCall.toFixed(2)} ms (runs ${spread(runs.proxy)}), ${proxy.perSecond.toFixed(0)} calls/s`,
    );
    figures.push(
      figure({
        figure: `server CPU per confluence_get_page, ${users} user${users > 1 ? 's' : ''}`,
        value: ours.cpuPerCall,
        unit: 'ms',
        baseline: { name: 'bare Node proxy', value: proxy.cpuPerCall },
        goal: { text: '<= 0.8 ms', on: 'value', atMost: 0.8 },
      }),
      figure({
        figure: `throughput, ${users} user${users > 1 ? 's' : ''}`,
        value: ours.perSecond,
        unit: 'calls/s',
        baseline: { name: 'bare Node proxy', value: proxy.perSecond },
        ...(users === 16 ? { goal: { text: '>= 0.4x', on: 'ratio', atLeast: 0.4 } as const } : {}),
      }),
    );
  }
  return figures;
}

/** One client, calls one at a time: a tool call and the same GET straight to the sandbox, interleaved. */
async function overhead(fleet: Fleet, quick: boolean, print: (line: string) => void): Promise<Figure[]> {
  const runs = quick ? 20 : 1000;
  const direct: number[] = [];
  const tool: number[] = [];
  for (let run = -20; run < runs; run++) {
    let started = performance.now();
    await fleet.direct();
    const directMs = performance.now() - started;
    started = performance.now();
    await readPage(fleet, 0);
    const toolMs = performance.now() - started;
    if (run < 0) continue;
    direct.push(directMs);
    tool.push(toolMs);
  }
  print(
    `one client, ${runs} interleaved calls: tool p50 ${median(tool).toFixed(2)} ms, p99 ${quantile(tool, 0.99).toFixed(2)} ms; direct GET p50 ${median(direct).toFixed(2)} ms, p99 ${quantile(direct, 0.99).toFixed(2)} ms`,
  );
  return [
    figure({
      figure: 'overhead over a direct GET, one client, p50',
      value: median(tool) - median(direct),
      unit: 'ms',
      baseline: { name: 'direct GET p50', value: median(direct) },
      goal: { text: '< 1.5 ms', on: 'value', atMost: 1.5 },
    }),
    figure({
      figure: 'overhead over a direct GET, one client, p99',
      value: quantile(tool, 0.99) - quantile(direct, 0.99),
      unit: 'ms',
      baseline: { name: 'direct GET p99', value: quantile(direct, 0.99) },
      goal: { text: '< 8 ms', on: 'value', atMost: 8 },
    }),
  ];
}

/** The name of a setting in `tools` that starts the tool list small (dynamic toolsets), if this build has one. */
function dynamicToolsetsFlag(): string | undefined {
  const tools = configSchema.parse({}).tools as Record<string, unknown>;
  return Object.keys(tools).find((key) => /dynamic/i.test(key));
}

/** The `tools/list` answer's size, for the whole tool set and, when the server has the mode, the dynamic start. */
async function toolList(fleet: Fleet, print: (line: string) => void): Promise<Figure[]> {
  const list = (await fleet.users[0]?.request('tools/list', {})) as { tools: unknown[] };
  const bytes = Buffer.byteLength(JSON.stringify(list));
  print(
    `tools/list: ${list.tools.length} tools, ${bytes} bytes (${(bytes / list.tools.length).toFixed(0)} a tool)`,
  );
  const figures = [
    figure({
      figure: `tools/list, whole tool set (${list.tools.length} tools)`,
      value: bytes / 1024,
      unit: 'KB',
      goal: { text: '<= 16 KB', on: 'value', atMost: 16 },
      note: 'peer from issue 14, not run here: a TypeScript Atlassian MCP server, 29.7 KB for 40 tools',
    }),
  ];
  const flag = dynamicToolsetsFlag();
  if (!flag) {
    print('tools/list at start with dynamic toolsets: skipped, this build has no such setting in `tools`');
    return figures;
  }
  const dynamic = await startFleet(1, { [flag]: true });
  try {
    const start = (await dynamic.users[0]?.request('tools/list', {})) as { tools: unknown[] };
    const startBytes = Buffer.byteLength(JSON.stringify(start));
    figures.push(
      figure({
        figure: `tools/list at start, dynamic toolsets (tools.${flag}, ${start.tools.length} tools)`,
        value: startBytes / 1024,
        unit: 'KB',
        baseline: { name: 'whole tool set', value: bytes / 1024 },
        goal: { text: '< 4 KB', on: 'value', atMost: 4 },
      }),
    );
  } finally {
    await dynamic.close();
  }
  return figures;
}

async function benchServer({ quick, print }: BenchOptions): Promise<Figure[]> {
  // Both reach the server process only: BENCH_SERVER_NODE_OPTIONS as its NODE_OPTIONS (e.g. `--import` of a
  // profiler; --cpu-prof is not allowed there), BENCH_SERVER_HEAP as CONFLUENCE_MCP_HEAP (`off`: Node's default heap).
  const env: Record<string, string> = {};
  if (process.env.BENCH_SERVER_NODE_OPTIONS) env.NODE_OPTIONS = process.env.BENCH_SERVER_NODE_OPTIONS;
  if (process.env.BENCH_SERVER_HEAP) env.CONFLUENCE_MCP_HEAP = process.env.BENCH_SERVER_HEAP;
  // --quick connects a few users and lets the 16 and 64 concurrent loops share them.
  const fleet = await startFleet(quick ? 4 : 64, undefined, env);
  try {
    print(
      `confluence-mcp http (pid ${fleet.serverPid}) with per-user OAuth against the sandbox; ${fleet.users.length} users connected; each call reads page ${fleet.page.id} (${fleet.page.bytes} bytes of storage) as Markdown`,
    );
    return [
      ...(await toolList(fleet, print)),
      ...(await perCall(fleet, quick, print)),
      ...(await overhead(fleet, quick, print)),
    ];
  } finally {
    await fleet.close();
  }
}

/** The server's cost per call against a bare proxy of the same GET, and the tool list's size. */
export const serverBench: Bench = {
  name: 'server: CPU, throughput and overhead per call (HTTP, per-user OAuth); tools/list size',
  run: benchServer,
};
