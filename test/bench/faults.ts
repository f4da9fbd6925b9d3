import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { type Bench, type BenchOptions, type Figure, figure } from './bench.js';
import { serveDemoUser } from './demo-user-server.js';

const IN_FLIGHT = 20;
const API = /\/wiki\/(api|rest)\//;

/** An MCP client over HTTP to a server with these limits, acting as the sandbox's demo user. */
function serve(sandbox: Sandbox, limits: Record<string, unknown>) {
  return serveDemoUser(sandbox, { limits });
}

/** The measurement: 300 reads, 20 in flight, under the same seeded faults; the share that succeeded. */
async function successUnderFaults(sandbox: Sandbox, maxRetries: number, calls: number): Promise<number> {
  const server = await serve(sandbox, { maxRetries });
  sandbox.faults.clear();
  sandbox.faults.reseed(300);
  sandbox.faults.jitterMs = 20;
  sandbox.faults.add({ path: API, drop: true, chance: 0.02 });
  sandbox.faults.add({ path: API, status: 503, chance: 0.1 / 0.98 });
  sandbox.faults.add({ path: API, status: 429, retryAfter: 1, chance: 0.05 / 0.88 });
  let ok = 0;
  let next = 0;
  try {
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < calls) {
          const n = next++;
          const result =
            n % 2
              ? await server.call('confluence_list_spaces', { limit: 5 })
              : await server.call('confluence_search', { query: 'deploy', limit: 5 });
          if (!result.isError) ok++;
        }
      }),
    );
  } finally {
    sandbox.faults.clear();
    await server.close();
  }
  return ok / calls;
}

/** How long a call waits on an upstream that never answers, with the given deadline. */
async function hungAnswerMs(sandbox: Sandbox, callDeadlineMs: number): Promise<number> {
  const server = await serve(sandbox, { callDeadlineMs });
  sandbox.faults.add({ path: '/api/v2/spaces', hold: true });
  try {
    const started = performance.now();
    await server.call('confluence_list_spaces', {});
    return performance.now() - started;
  } finally {
    sandbox.faults.clear();
    await server.close();
  }
}

/** Upstream requests 1,000 calls send once the app's quota is spent (429 with Retry-After: 1800). */
async function requestsWhileQuotaSpent(sandbox: Sandbox, calls: number): Promise<number> {
  const server = await serve(sandbox, {});
  const quota = sandbox.faults.add({ path: API, status: 429, retryAfter: 1800 });
  try {
    let next = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < calls) {
          next++;
          await server.call('confluence_list_spaces', { limit: 1 });
        }
      }),
    );
    return quota.hits;
  } finally {
    sandbox.faults.clear();
    await server.close();
  }
}

async function benchFaults({ quick, print }: BenchOptions): Promise<Figure[]> {
  const calls = quick ? 60 : 300;
  const quotaCalls = quick ? 100 : 1000;
  const deadline = quick ? 1000 : 4500;
  const sandbox = await startSandbox();
  try {
    const without = await successUnderFaults(sandbox, 0, calls);
    const withRetries = await successUnderFaults(sandbox, 4, calls);
    const hung = await hungAnswerMs(sandbox, deadline);
    const requests = await requestsWhileQuotaSpent(sandbox, quotaCalls);
    print(
      `${calls} calls, ${IN_FLIGHT} in flight, seeded faults: 10% 503, 5% 429 Retry-After 1, 2% dropped connections, jitter`,
    );
    return [
      figure({
        figure: 'calls that succeed under seeded upstream faults',
        value: withRetries * 100,
        unit: '%',
        baseline: { name: 'limits.maxRetries 0', value: without * 100 },
        goal: { text: '>= 99%', on: 'value', atLeast: 99 },
      }),
      figure({
        figure: 'hung upstream: time to answer',
        value: hung,
        unit: 'ms',
        baseline: { name: 'the call deadline', value: deadline },
        goal: { text: `<= deadline + 250 ms (${deadline + 250})`, on: 'value', atMost: deadline + 250 },
      }),
      figure({
        figure: `upstream requests for ${quotaCalls} calls while the quota is spent`,
        value: requests,
        unit: 'requests',
        baseline: { name: 'calls', value: quotaCalls },
        goal: { text: '<= 5', on: 'value', atMost: 5 },
      }),
    ];
  } finally {
    await sandbox.close();
  }
}

export const faultsBench: Bench = {
  name: 'faults: retries under seeded faults, a hung upstream, a spent quota',
  run: benchFaults,
};
