import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { ID } from '../../src/sandbox/seed/users.js';
import { startConnectServer } from '../support/connect-server.js';
import { textOf } from '../support/mcp.js';
import { connectedUser, sandboxPage } from '../support/two-users.js';

// One server in this process with per-user OAuth against the sandbox and tight per-user bounds; two users.
let sandbox: Sandbox;
let server: Awaited<ReturnType<typeof startConnectServer>>;
let alice: Awaited<ReturnType<typeof connectedUser>>;
let bob: Awaited<ReturnType<typeof connectedUser>>;
let alicePage: string;
let bobPage: string;

beforeAll(async () => {
  sandbox = await startSandbox();
  server = await startConnectServer(sandbox, {
    clientId: 'limits-app',
    clientSecret: 'limits-app-secret',
    config: {
      limits: {
        maxConcurrentCallsPerUser: 2,
        maxQueuedCallsPerUser: 0,
        maxBatchMessages: 5,
        maxBatchCalls: 2,
      },
    },
  });
  alice = await connectedUser(sandbox, server.mcpUrl, 'alice', ID.priya);
  bob = await connectedUser(sandbox, server.mcpUrl, 'bob', ID.jonas);
  alicePage = sandboxPage(sandbox, 'ENG', 'Alice limits page', '<p>alice</p>', ID.priya).id;
  bobPage = sandboxPage(sandbox, 'ENG', 'Bob limits page', '<p>bob</p>', ID.jonas).id;
});

afterAll(async () => {
  await alice?.close();
  await bob?.close();
  await server?.close();
  await sandbox?.close();
});

/** A raw JSON-RPC POST to /mcp as a user: the SDK client sends no batches. */
async function post(token: string, body: unknown) {
  const response = await fetch(server.mcpUrl, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2025-06-18',
    },
    body: JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}

const getPage = (id: number, page: string) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name: 'confluence_get_page', arguments: { page } },
});

describe('per-user bounds over HTTP', () => {
  it("refuses a user's call beyond their concurrency bound, while another user's calls go on", async () => {
    sandbox.faults.add({ method: 'GET', path: `/pages/${alicePage}`, hold: true, times: 2 });
    const held = [
      alice.call('confluence_get_page', { page: alicePage }),
      alice.call('confluence_get_page', { page: alicePage }),
    ];
    await sandbox.faults.whenHeld(2);
    const third = await alice.call('confluence_get_page', { page: alicePage });
    expect(third.isError).toBe(true);
    expect(textOf(third)).toMatch(/Too many calls at once: you have 2 running and 0 waiting.*retry/);
    // Bob is not held up by Alice's calls.
    const bobs = await bob.call('confluence_get_page', { page: bobPage });
    expect(bobs.isError, textOf(bobs)).toBeFalsy();
    expect(sandbox.faults.held).toBe(2);
    sandbox.faults.release();
    for (const result of await Promise.all(held)) expect(result.isError, textOf(result)).toBeFalsy();
    const again = await alice.call('confluence_get_page', { page: alicePage });
    expect(again.isError, textOf(again)).toBeFalsy();
  });

  it('refuses a JSON-RPC batch with more messages than the bound, running none of it', async () => {
    const batch = Array.from({ length: 6 }, (_, i) => ({ jsonrpc: '2.0', id: i + 1, method: 'ping' }));
    const answer = await post(alice.token, batch);
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text)).toEqual({
      jsonrpc: '2.0',
      id: null,
      error: {
        code: -32600,
        message:
          'Invalid Request: a batch of 6 messages is more than the 5 this server takes in one request. Nothing was run; send fewer messages per request.',
      },
    });
  });

  it('refuses a JSON-RPC batch with more tool calls than the bound, running none of it', async () => {
    sandbox.faults.clear();
    const before = sandbox.faults.held;
    const answer = await post(alice.token, [
      getPage(1, alicePage),
      getPage(2, alicePage),
      getPage(3, alicePage),
    ]);
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text).error).toEqual({
      code: -32600,
      message:
        'Invalid Request: a batch with 3 tool calls is more than the 2 this server takes in one request. Nothing was run; send fewer tool calls per request.',
    });
    expect(sandbox.faults.held).toBe(before);
  });

  it('answers a batch within the bounds', async () => {
    const answer = await post(alice.token, [getPage(1, alicePage), getPage(2, bobPage)]);
    expect(answer.status, answer.text).toBe(200);
    expect(answer.text).toContain('Alice limits page');
    expect(answer.text).toContain('Bob limits page');
  });
});
