import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { configSchema } from '../../src/config/schema.js';
import { silentLogger } from '../../src/log.js';
import { staticRuntime } from '../../src/runtime.js';
import { startSandbox } from '../../src/sandbox/index.js';
import { startHttpServer } from '../../src/transports/http.js';
import { type Bench, median } from './bench.js';

async function timeAsync(runs: number, fn: () => Promise<unknown>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await fn();
    samples.push(performance.now() - started);
  }
  return median(samples);
}

/**
 * The server's own cost: the `tools/list` answer's size, and a tool call over HTTP against the same request
 * sent straight to the sandbox, measured side by side in this process (a ratio survives a noisy machine).
 */
async function benchServer(print: (line: string) => void): Promise<void> {
  const sandbox = await startSandbox();
  const config = configSchema.parse({ http: { port: 0 } });
  const user = sandbox.demoUser;
  const auth = {
    type: 'api-token' as const,
    siteUrl: sandbox.url,
    email: user.email,
    apiToken: user.apiToken ?? '',
  };
  const http = await startHttpServer({
    http: config.http,
    batch: config.limits,
    log: silentLogger,
    build: () => staticRuntime(config, auth, silentLogger),
  });
  const client = new Client({ name: 'bench', version: '1' });
  await client.connect(new StreamableHTTPClientTransport(new URL(http.mcpUrl)));
  try {
    const list = await client.listTools();
    const json = JSON.stringify(list);
    const descriptions = list.tools.reduce((n, t) => n + (t.description?.length ?? 0), 0);
    print(
      `tools/list: ${list.tools.length} tools, ${json.length} chars (~${Math.round(json.length / 4)} tokens), descriptions ${descriptions} chars`,
    );

    const basic = `Basic ${Buffer.from(`${user.email}:${user.apiToken}`).toString('base64')}`;
    const direct = () =>
      fetch(`${sandbox.url}/wiki/api/v2/spaces?limit=25&description-format=plain`, {
        headers: { authorization: basic },
      }).then((r) => r.text());
    const viaMcp = () => client.callTool({ name: 'confluence_list_spaces', arguments: {} });
    for (let i = 0; i < 20; i++) {
      await direct();
      await viaMcp();
    }
    const runs = 200;
    const baseline = await timeAsync(runs, direct);
    const tool = await timeAsync(runs, viaMcp);
    print(
      `confluence_list_spaces over HTTP: median ${tool.toFixed(2)} ms vs ${baseline.toFixed(2)} ms for the same request straight to the sandbox (x${(tool / baseline).toFixed(2)}; the difference is MCP, HTTP and this server)`,
    );
  } finally {
    await client.close();
    await http.close();
    await sandbox.close();
  }
}

export const serverBench: Bench = {
  name: 'server: tools/list size, tool call overhead',
  run: () => benchServer((line) => console.log(line)),
};
