import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, describe, expect, it } from 'vitest';
import { packageBin } from '../bench/startup.js';

// The stdio front (src/start) answers initialize and tools/list from what the SDK server answered on an earlier
// start with the same fingerprint. These tests run the package's bin over real stdio: a first start in an empty
// cache directory is answered by the SDK server and keeps its answers; a second start is answered by the front
// (its start-up log says which), and must send the same bytes.

const BIN = packageBin();
const work = mkdtempSync(join(tmpdir(), 'cmcp-start-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let dirs = 0;
const freshDir = (name: string) => mkdtempSync(join(work, `${name}-${dirs++}-`));

/** The environment of a stdio user with an API token; no request reaches the site in these tests. */
function userEnv(cache: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: work,
    XDG_CACHE_HOME: cache,
    XDG_CONFIG_HOME: join(work, 'config'),
    CONFLUENCE_MCP_LOG_LEVEL: 'info',
    CONFLUENCE_SITE_URL: 'https://start.atlassian.net',
    ATLASSIAN_EMAIL: 'someone@example.com',
    ATLASSIAN_API_TOKEN: 'not-a-real-token',
    ...extra,
  };
}

interface Line {
  raw: string;
  message: { id?: unknown; method?: string; result?: Record<string, unknown>; error?: unknown };
}

/** The bin over raw stdio: the lines it writes as they came, and the start-up log's word on who answered. */
class RawSession {
  readonly child: ChildProcessWithoutNullStreams;
  readonly lines: Line[] = [];
  #buffered = '';
  #stderr = '';
  #waiters: (() => void)[] = [];

  constructor(env: Record<string, string>, args: string[] = []) {
    this.child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.on('data', (chunk: Buffer) => {
      this.#buffered += chunk.toString();
      for (let end = this.#buffered.indexOf('\n'); end >= 0; end = this.#buffered.indexOf('\n')) {
        const raw = this.#buffered.slice(0, end);
        this.#buffered = this.#buffered.slice(end + 1);
        this.lines.push({ raw, message: JSON.parse(raw) });
      }
      this.#wake();
    });
    this.child.stderr.on('data', (chunk: Buffer) => {
      this.#stderr += chunk.toString();
      this.#wake();
    });
    this.child.once('exit', () => this.#wake());
  }

  #wake() {
    for (const waiter of this.#waiters.splice(0)) waiter();
  }

  /** Resolves when `check` holds, checked at every output; rejects if the process exits first. */
  async until<T>(check: () => T | undefined, what: string): Promise<T> {
    for (;;) {
      const value = check();
      if (value !== undefined) return value;
      if (this.child.exitCode !== null) throw new Error(`the server exited before ${what}:\n${this.#stderr}`);
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  send(...messages: unknown[]) {
    this.child.stdin.write(
      messages.map((m) => `${typeof m === 'string' ? m : JSON.stringify(m)}\n`).join(''),
    );
  }

  answer(id: unknown): Promise<Line> {
    return this.until(
      () => this.lines.find((l) => l.message.id === id && !('method' in l.message)),
      `answering ${String(id)}`,
    );
  }

  /** Who answered the start, from the start-up log: `kept` (the front) or `server`. */
  startAnswers(): Promise<string> {
    return this.until(
      () => /"msg":"serving MCP on stdio".*"startAnswers":"(\w+)"/.exec(this.#stderr)?.[1],
      'logging its start',
    );
  }

  stderr() {
    return this.#stderr;
  }

  async close() {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.stdin.end();
    if (this.child.exitCode === null) await exited;
  }
}

const initialize = (id: unknown, protocolVersion: string, extra: Record<string, unknown> = {}) => ({
  jsonrpc: '2.0',
  id,
  method: 'initialize',
  params: { protocolVersion, capabilities: {}, clientInfo: { name: 'start-test', version: '1' }, ...extra },
});
const initialized = { jsonrpc: '2.0', method: 'notifications/initialized' };
const toolsList = (id: unknown) => ({ jsonrpc: '2.0', id, method: 'tools/list', params: {} });

/** One start: initialize (as given), initialized, tools/list; the two answers as sent, and who answered. */
async function start(
  env: Record<string, string>,
  init = initialize(1, '2025-06-18'),
  args: string[] = [],
): Promise<{ init: string; list: string; by: string; stderr: string }> {
  const session = new RawSession(env, args);
  try {
    session.send(init);
    const answeredInit = await session.answer(init.id);
    session.send(initialized, toolsList('list'));
    const answeredList = await session.answer('list');
    const by = await session.startAnswers();
    return { init: answeredInit.raw, list: answeredList.raw, by, stderr: session.stderr() };
  } finally {
    await session.close();
  }
}

const toolNames = (listLine: string) =>
  (JSON.parse(listLine).result.tools as { name: string }[]).map((tool) => tool.name);

describe('the stdio front', () => {
  it('answers initialize and tools/list with the bytes the SDK server sends, for every protocol version', async () => {
    const kept = freshDir('versions');
    const first = await start(userEnv(kept));
    expect(first.by).toBe('server');
    const clientVariants = [
      {},
      { capabilities: { roots: { listChanged: true }, sampling: {}, elicitation: { url: {} } } },
      { clientInfo: { name: 'start-test', title: 'Start test', version: '2.0.0' } },
    ];
    // Supported versions are echoed, an unknown one gets the SDK's latest, whatever version the answers were kept at.
    const versions = ['2025-06-18', '2025-11-25', '2024-11-05', '1999-01-01'];
    for (const [i, version] of versions.entries()) {
      const request = initialize(i + 10, version, clientVariants[i % clientVariants.length]);
      const byServer = await start(userEnv(freshDir('reference')), request);
      const byFront = await start(userEnv(kept), request);
      expect(byServer.by).toBe('server');
      expect(byFront.by).toBe('kept');
      expect(byFront.init).toBe(byServer.init);
      expect(byFront.list).toBe(byServer.list);
      expect(JSON.parse(byFront.init).result.protocolVersion).toBe(
        version === '1999-01-01' ? LATEST_PROTOCOL_VERSION : version,
      );
    }
  });

  it('keys its answers on the configuration file, the environment and dynamic toolsets', async () => {
    const kept = freshDir('config');
    const config = join(work, `config-${dirs++}.json`);
    const write = (tools: Record<string, unknown>) => writeFileSync(config, JSON.stringify({ tools }));
    const args = ['--config', config];

    write({ toolsets: ['pages', 'search'] });
    const pagesAndSearch = await start(userEnv(kept), undefined, args);
    expect(pagesAndSearch.by).toBe('server');
    const again = await start(userEnv(kept), undefined, args);
    expect(again.by).toBe('kept');
    expect(again.list).toBe(pagesAndSearch.list);

    // The same file, another selection: the kept list must not be given.
    write({ toolsets: ['spaces'] });
    const spaces = await start(userEnv(kept), undefined, args);
    expect(spaces.by).toBe('server');
    expect(toolNames(spaces.list)).toContain('confluence_list_spaces');
    expect(toolNames(spaces.list)).not.toContain('confluence_get_page');
    const spacesAgain = await start(userEnv(kept), undefined, args);
    expect(spacesAgain.by).toBe('kept');
    expect(spacesAgain.list).toBe(spaces.list);

    // An environment override changes the selection too.
    const readOnly = await start(userEnv(kept, { CONFLUENCE_MCP_READ_ONLY: 'true' }), undefined, args);
    expect(readOnly.by).toBe('server');
    expect(toolNames(readOnly.list)).not.toContain('confluence_create_space');
    expect(toolNames(spaces.list)).toContain('confluence_create_space');
    expect((await start(userEnv(kept, { CONFLUENCE_MCP_READ_ONLY: 'true' }), undefined, args)).list).toBe(
      readOnly.list,
    );

    write({ toolsets: ['spaces'], dynamic: true });
    const dynamic = await start(userEnv(kept), undefined, args);
    expect(dynamic.by).toBe('server');
    expect(toolNames(dynamic.list)).toEqual(['confluence_list_toolsets', 'confluence_enable_toolset']);
    const dynamicAgain = await start(userEnv(kept), undefined, args);
    expect(dynamicAgain.by).toBe('kept');
    expect(dynamicAgain.list).toBe(dynamic.list);
  });

  it('answers a tools/call sent right after tools/list, through a real MCP client', async () => {
    const kept = freshDir('client');
    expect((await start(userEnv(kept))).by).toBe('server');
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [BIN],
      env: userEnv(kept),
      stderr: 'pipe',
    });
    let stderr = '';
    transport.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const client = new Client({ name: 'start-client', version: '1.0.0' });
    await client.connect(transport);
    try {
      const { tools } = await client.listTools();
      expect(tools).toHaveLength(27);
      const result = await client.callTool({ name: 'confluence_get_connection', arguments: {} });
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toMatchObject({ connected: true, kind: 'api-token' });
      expect(client.getServerVersion()?.name).toBe('confluence-mcp');
      expect(stderr).toMatch(/"startAnswers":"kept"/);
    } finally {
      await client.close();
    }
  });

  it('answers a tools/call pipelined behind tools/list before the server is ready, in order', async () => {
    const kept = freshDir('pipelined');
    expect((await start(userEnv(kept))).by).toBe('server');
    const session = new RawSession(userEnv(kept));
    try {
      // Everything at once: the front answers the first two, the server the call once it has loaded.
      session.send(initialize(1, '2025-06-18'), initialized, toolsList(2), {
        jsonrpc: '2.0',
        id: 3,
        method: 'tools/call',
        params: { name: 'confluence_get_connection', arguments: {} },
      });
      const call = await session.answer(3);
      expect(call.message.result?.structuredContent).toMatchObject({ kind: 'api-token' });
      expect(session.lines.map((l) => l.message.id)).toEqual([1, 2, 3]);
      expect(await session.startAnswers()).toBe('kept');
    } finally {
      await session.close();
    }
  });

  it('ignores a corrupt answers file and writes it again', async () => {
    const kept = freshDir('corrupt');
    const reference = await start(userEnv(kept));
    const file = join(kept, 'confluence-mcp', 'stdio-answers.json');
    // The user's alone.
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(kept, 'confluence-mcp')).mode & 0o777).toBe(0o700);
    writeFileSync(file, '{"format":1,"entries":[{"fingerprint":');
    const afterCorruption = await start(userEnv(kept));
    expect(afterCorruption.by).toBe('server');
    expect(afterCorruption.list).toBe(reference.list);
    expect(JSON.parse(readFileSync(file, 'utf8')).entries).toHaveLength(1);
    const rewritten = await start(userEnv(kept));
    expect(rewritten.by).toBe('kept');
    expect(rewritten.list).toBe(reference.list);
  });

  it('replaces kept answers the server contradicts, and tells the client the tool list changed', async () => {
    const kept = freshDir('stale');
    const reference = await start(userEnv(kept));
    const file = join(kept, 'confluence-mcp', 'stdio-answers.json');
    // As if the fingerprint had missed an input: the entry for this start holds a list the server would not give.
    const held = JSON.parse(readFileSync(file, 'utf8'));
    held.entries[0].toolsList.tools = held.entries[0].toolsList.tools.slice(0, 3);
    writeFileSync(file, JSON.stringify(held));

    const session = new RawSession(userEnv(kept));
    try {
      session.send(initialize(1, '2025-06-18'));
      await session.answer(1);
      session.send(initialized, toolsList(2));
      expect(toolNames((await session.answer(2)).raw)).toHaveLength(3);
      await session.until(
        () => session.lines.find((l) => l.message.method === 'notifications/tools/list_changed'),
        'saying the tool list changed',
      );
      session.send(toolsList(3));
      expect((await session.answer(3)).raw).toBe(reference.list.replace('"id":"list"', '"id":3'));
      expect(session.stderr()).toMatch(/kept start-up answers differed from the server/);
    } finally {
      await session.close();
    }
    const next = await start(userEnv(kept));
    expect(next.by).toBe('kept');
    expect(next.list).toBe(reference.list);
  });

  it('forgets kept answers the server contradicts when it has no full set to keep instead', async () => {
    const kept = freshDir('forget');
    const reference = await start(userEnv(kept));
    const file = join(kept, 'confluence-mcp', 'stdio-answers.json');
    const held = JSON.parse(readFileSync(file, 'utf8'));
    held.entries[0].initialize.instructions = 'Not what the server says.';
    writeFileSync(file, JSON.stringify(held));

    // No tools/list this time: the server's initialize alone cannot be kept, so the entry goes.
    const session = new RawSession(userEnv(kept));
    try {
      session.send(initialize(1, '2025-06-18'));
      expect((await session.answer(1)).raw).toContain('Not what the server says.');
      session.send(initialized, {
        jsonrpc: '2.0',
        id: 2,
        method: 'tools/call',
        params: { name: 'confluence_get_connection', arguments: {} },
      });
      expect((await session.answer(2)).message.result?.structuredContent).toMatchObject({
        kind: 'api-token',
      });
      await session.until(
        () => (/kept start-up answers differed/.test(session.stderr()) ? true : undefined),
        'noticing the difference',
      );
    } finally {
      await session.close();
    }
    expect(JSON.parse(readFileSync(file, 'utf8')).entries).toEqual([]);
    const next = await start(userEnv(kept));
    expect(next.by).toBe('server');
    expect(next.init).toBe(reference.init);
  });

  it('leaves a start whose first message is not initialize to the server', async () => {
    const kept = freshDir('first');
    const reference = await start(userEnv(kept));
    const session = new RawSession(userEnv(kept));
    try {
      session.send(toolsList('list'));
      expect((await session.answer('list')).raw).toBe(reference.list);
      session.send(initialize(1, '2025-06-18'));
      expect((await session.answer(1)).raw).toBe(reference.init);
      expect(await session.startAnswers()).toBe('server');
    } finally {
      await session.close();
    }

    // A batch is not answered by the SDK's stdio transport; the front leaves it to it too.
    const batch = new RawSession(userEnv(kept));
    try {
      batch.send([initialize(1, '2025-06-18')], initialize(2, '2025-06-18'));
      expect((await batch.answer(2)).raw).toBe(reference.init.replace('"id":1', '"id":2'));
      expect(batch.lines.map((l) => l.message.id)).toEqual([2]);
      expect(await batch.startAnswers()).toBe('server');
    } finally {
      await batch.close();
    }
  });
});
