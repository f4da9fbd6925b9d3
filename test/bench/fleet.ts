import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { generateEncryptionKey } from '../../src/auth/index.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { currentVersion } from '../../src/sandbox/model.js';
import { Browser, connectLinkIn, connectThroughSandbox } from '../support/browser.js';
import { type OAuthServer, registerApp, startOAuthServer } from '../support/oauth-server.js';

export { cpuMs, rssMiB } from './proc.js';

/*
 * What the per-call sections measure against: the sandbox (in this process), `confluence-mcp http` with per-user
 * OAuth as its own process, users connected through the real connect flow, and a bare Node proxy (bare-proxy.ts)
 * of the same upstream GET, also its own process. CPU and memory of either process are read from /proc.
 */

/** One MCP call's outcome, as little as the bench needs. */
export interface CallOutcome {
  isError: boolean;
  text: string;
}

/**
 * A lean MCP client over stateless Streamable HTTP: one POST per request, reading a JSON or an SSE answer. The SDK's
 * client validates every result against the tool's output schema, work that is the client's and not the server's;
 * this one keeps the client's share of a call small, as the direct GET it is compared with does.
 */
export class RawMcp {
  #id = 0;
  constructor(
    readonly url: string,
    readonly token: string,
  ) {}

  async request(method: string, params: Record<string, unknown>): Promise<Record<string, unknown>> {
    const id = ++this.#id;
    const response = await fetch(this.url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${this.token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': '2025-06-18',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id, method, params }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method}: HTTP ${response.status}: ${text.slice(0, 300)}`);
    const messages = (response.headers.get('content-type') ?? '').includes('text/event-stream')
      ? text
          .split('\n')
          .filter((line) => line.startsWith('data:'))
          .map((line) => JSON.parse(line.slice(5)) as Record<string, unknown>)
      : [JSON.parse(text) as Record<string, unknown>];
    const answer = messages.find((message) => message.id === id);
    if (!answer) throw new Error(`${method}: no answer in ${text.slice(0, 300)}`);
    if (answer.error) throw new Error(`${method}: ${JSON.stringify(answer.error)}`);
    return answer.result as Record<string, unknown>;
  }

  async call(name: string, args: Record<string, unknown>): Promise<CallOutcome> {
    const result = (await this.request('tools/call', { name, arguments: args })) as {
      isError?: boolean;
      content?: { text?: string }[];
    };
    return { isError: result.isError === true, text: result.content?.[0]?.text ?? '' };
  }
}

export interface Fleet {
  sandbox: Sandbox;
  server: OAuthServer;
  /** The server process's id, for its CPU and memory. */
  serverPid: number;
  /** One connected MCP client per user. */
  users: RawMcp[];
  /** The page every call reads, and its storage body's size in bytes. */
  page: { id: string; bytes: number };
  /** The upstream GET the server makes for that page, straight to the sandbox. */
  direct: () => Promise<void>;
  /** The bare proxy's URL and process id. */
  proxy: { url: string; pid: number; call: () => Promise<void> };
  close(): Promise<void>;
}

/** A visible page without mentions (one upstream GET per read) whose storage body is nearest `bytes` long. */
function pageNear(sandbox: Sandbox, bytes: number): { id: string; bytes: number } {
  let best: { id: string; bytes: number } | undefined;
  for (const page of sandbox.site.pages.values()) {
    const body = currentVersion(page).body;
    if (page.status !== 'current' || !sandbox.site.canView(page, sandbox.demoUser.accountId)) continue;
    if (body.includes('ri:user')) continue;
    const size = Buffer.byteLength(body);
    if (!best || Math.abs(size - bytes) < Math.abs(best.bytes - bytes)) best = { id: page.id, bytes: size };
  }
  if (!best) throw new Error('the sandbox has no page to read');
  return best;
}

function startProxy(
  upstream: string,
  authorization: string,
): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  const script = fileURLToPath(new URL('./bare-proxy.js', import.meta.url));
  const child = spawn(process.execPath, [script], {
    env: {
      PATH: process.env.PATH ?? '',
      BENCH_UPSTREAM_URL: upstream,
      BENCH_UPSTREAM_AUTHORIZATION: authorization,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the bare proxy exited (${code})`)));
    child.stdout.once('data', (chunk: Buffer) => {
      const port = /listening (\d+)/.exec(chunk.toString())?.[1];
      if (!port) return reject(new Error(`the bare proxy said ${chunk}`));
      resolve({
        url: `http://127.0.0.1:${port}/`,
        pid: child.pid ?? 0,
        stop: async () => {
          if (child.exitCode !== null) return;
          child.removeAllListeners('exit');
          const exited = new Promise((done) => child.once('exit', done));
          child.kill('SIGTERM');
          await exited;
        },
      });
    });
  });
}

/** The `tools` section of the configuration turning on a dynamic-toolsets start list, if the schema has one. */
export type ToolsConfig = Record<string, unknown>;

/**
 * Starts the sandbox, the server with per-user OAuth and `users` connected users (each its own caller, consented
 * through the connect flow as the sandbox's demo account), and the bare proxy of the same upstream GET.
 */
export async function startFleet(
  users: number,
  tools?: ToolsConfig,
  env?: Record<string, string>,
): Promise<Fleet> {
  const sandbox = await startSandbox();
  const app = { clientId: 'mcp-bench', clientSecret: 'bench-client-secret-value' };
  const server = await startOAuthServer(sandbox, {
    ...app,
    encryptionKeys: generateEncryptionKey('bench'),
    ...(tools ? { tools } : {}),
    ...(env ? { env } : {}),
  });
  registerApp(sandbox, app.clientId, app.clientSecret, [server.publicUrl]);
  const page = pageNear(sandbox, 3 * 1024);
  const accountId = sandbox.demoUser.accountId;
  const clients: RawMcp[] = [];
  for (let index = 0; index < users; index++) {
    const token = await sandbox.mintCallerToken({
      subject: `bench-user-${index}`,
      audience: server.mcpUrl,
      expiresInSeconds: 6 * 3600,
    });
    const client = new RawMcp(server.mcpUrl, token);
    await client.request('initialize', {
      protocolVersion: '2025-06-18',
      capabilities: {},
      clientInfo: { name: 'bench', version: '1' },
    });
    const first = await client.call('confluence_get_page', { page: page.id });
    if (!first.isError) throw new Error(`user ${index} was connected before connecting: ${first.text}`);
    const outcome = await connectThroughSandbox(new Browser(), connectLinkIn(first.text), accountId);
    if (outcome.status !== 200)
      throw new Error(`connecting user ${index}: ${outcome.status} ${outcome.text}`);
    clients.push(client);
  }
  const upstream = `${sandbox.url}/ex/confluence/${sandbox.site.cloudId}/wiki/api/v2/pages/${page.id}?body-format=storage`;
  const authorization = `Bearer ${sandbox.mintAccessToken(accountId, undefined, 6 * 3600)}`;
  const proxy = await startProxy(upstream, authorization);
  const get = async (url: string, init?: RequestInit) => {
    const response = await fetch(url, init);
    const text = await response.text();
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}: ${text.slice(0, 300)}`);
  };
  return {
    sandbox,
    server,
    serverPid: server.cli.child.pid ?? 0,
    users: clients,
    page,
    direct: () => get(upstream, { headers: { authorization, accept: 'application/json' } }),
    proxy: { url: proxy.url, pid: proxy.pid, call: () => get(proxy.url, { method: 'POST', body: '{}' }) },
    close: async () => {
      await proxy.stop();
      await server.stop();
      await sandbox.close();
    },
  };
}

/** Runs `total` calls spread over `workers` concurrent loops; returns the wall-clock milliseconds it took. */
export async function drive(
  workers: number,
  total: number,
  call: (worker: number) => Promise<void>,
): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      while (next < total) {
        next++;
        await call(worker);
      }
    }),
  );
  return performance.now() - started;
}

/** A `confluence_get_page` call by user `index` that must succeed. */
export async function readPage(fleet: Fleet, index: number): Promise<void> {
  const user = fleet.users[index % fleet.users.length] as RawMcp;
  const outcome = await user.call('confluence_get_page', { page: fleet.page.id });
  if (outcome.isError) throw new Error(`confluence_get_page failed: ${outcome.text}`);
}
