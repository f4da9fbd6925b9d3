import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { RequestError } from '../../../src/transports/http-io.js';
import { openJsonPost } from '../../../src/transports/json-exchange.js';

// The JSON-answered POST, without a server: what it refuses (as the SDK's transport does, status and message), what
// it delivers, and when and how it answers. test/e2e/http-transport.test.ts drives the same through the server.

const ACCEPT = 'application/json, text/event-stream';
const headers = (extra: Record<string, string> = {}) => ({ accept: ACCEPT, ...extra });
const call = (id: number | string, name = 'confluence_get_page') => ({
  jsonrpc: '2.0' as const,
  id,
  method: 'tools/call',
  params: { name, arguments: {} },
});
const initialize = (id: number) => ({
  jsonrpc: '2.0' as const,
  id,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
});

function refusal(body: unknown, given: Record<string, string> = headers()): RequestError {
  try {
    openJsonPost(body, given, '/mcp', undefined);
  } catch (error) {
    if (error instanceof RequestError) return error;
    throw error;
  }
  throw new Error('not refused');
}

describe('a JSON-answered POST refuses what the SDK transport refuses', () => {
  it('refuses a client that does not accept both JSON and an event stream (406)', () => {
    for (const accept of [undefined, 'application/json', 'text/event-stream', '*/*']) {
      const error = refusal(call(1), accept === undefined ? {} : { accept });
      expect([error.status, error.code, error.message]).toEqual([
        406,
        -32000,
        'Not Acceptable: Client must accept both application/json and text/event-stream',
      ]);
    }
  });

  it('refuses a batch of more than 100 messages, and takes one of 100', () => {
    const batch = (n: number) => Array.from({ length: n }, (_, i) => call(i));
    const error = refusal(batch(101));
    expect([error.status, error.code, error.message]).toEqual([
      400,
      -32600,
      'Invalid Request: Batch must not exceed 100 messages',
    ]);
    expect(openJsonPost(batch(100), headers(), '/mcp', undefined).hasRequests).toBe(true);
  });

  it('refuses anything that is not a JSON-RPC message, alone or in a batch', () => {
    for (const body of [
      {},
      'text',
      42,
      null,
      { jsonrpc: '1.0', id: 1, method: 'ping' },
      [call(1), { id: 2 }],
    ]) {
      const error = refusal(body);
      expect([error.status, error.code, error.message]).toEqual([
        400,
        -32700,
        'Parse error: Invalid JSON-RPC message',
      ]);
    }
  });

  it('refuses an initialize that is not alone', () => {
    const error = refusal([initialize(1), call(2)]);
    expect([error.status, error.code, error.message]).toEqual([
      400,
      -32600,
      'Invalid Request: Only one initialization request is allowed',
    ]);
  });

  it('refuses an unsupported MCP-Protocol-Version, except on initialize, and takes every supported one', () => {
    const error = refusal(call(1), headers({ 'mcp-protocol-version': '1999-01-01' }));
    expect([error.status, error.code]).toEqual([400, -32000]);
    expect(error.message).toBe(
      `Bad Request: Unsupported protocol version: 1999-01-01 (supported versions: ${SUPPORTED_PROTOCOL_VERSIONS.join(', ')})`,
    );
    const init = openJsonPost(
      initialize(1),
      headers({ 'mcp-protocol-version': '1999-01-01' }),
      '/mcp',
      undefined,
    );
    expect(init.hasRequests).toBe(true);
    for (const version of SUPPORTED_PROTOCOL_VERSIONS) {
      expect(() =>
        openJsonPost(call(1), headers({ 'mcp-protocol-version': version }), '/mcp', undefined),
      ).not.toThrow();
    }
    // An `initialize` that is not a valid one is an ordinary request: the header is checked.
    const broken = { jsonrpc: '2.0', id: 1, method: 'initialize', params: {} };
    expect(refusal(broken, headers({ 'mcp-protocol-version': '1999-01-01' })).status).toBe(400);
  });
});

describe('a JSON-answered POST delivers and answers', () => {
  it('delivers each message with the caller and the request, and answers one request with one object', async () => {
    const auth = { token: 't', clientId: 'c', scopes: [] };
    const post = openJsonPost(call(7), headers({ 'x-request-id': 'r1' }), '/mcp?x=1', auth);
    const seen: unknown[] = [];
    post.exchange.onmessage = (message, extra) => {
      seen.push(message);
      expect(extra?.authInfo).toBe(auth);
      expect(extra?.requestInfo?.headers['x-request-id']).toBe('r1');
      expect(extra?.requestInfo?.url?.pathname).toBe('/mcp');
      void post.exchange.send({ jsonrpc: '2.0', id: 7, result: { ok: true } });
    };
    await expect(post.exchange.run()).resolves.toEqual({ jsonrpc: '2.0', id: 7, result: { ok: true } });
    expect(seen).toEqual([call(7)]);
    expect(post.exchange.answered).toBe(true);
  });

  it('answers a batch once every request has its answer, in the order they were asked', async () => {
    const post = openJsonPost(
      [call('a'), { jsonrpc: '2.0', method: 'notifications/initialized' }, call('b')],
      headers(),
      '/mcp',
      undefined,
    );
    const requests: JSONRPCMessage[] = [];
    post.exchange.onmessage = (message) => void requests.push(message);
    const answer = post.exchange.run();
    expect(requests).toHaveLength(3);
    await post.exchange.send({ jsonrpc: '2.0', id: 'b', result: { n: 2 } });
    expect(post.exchange.answered).toBe(false);
    // A notification meanwhile (progress, a log line) has no stream here: dropped, as the SDK's JSON mode does.
    await post.exchange.send({
      jsonrpc: '2.0',
      method: 'notifications/message',
      params: { level: 'info', data: 'x' },
    });
    await post.exchange.send({ jsonrpc: '2.0', id: 'a', error: { code: -1, message: 'no' } });
    await expect(answer).resolves.toEqual([
      { jsonrpc: '2.0', id: 'a', error: { code: -1, message: 'no' } },
      { jsonrpc: '2.0', id: 'b', result: { n: 2 } },
    ]);
    expect(post.exchange.answered).toBe(true);
  });

  it('answers a POST of notifications and responses only at once, with nothing (202), after delivering them', async () => {
    const note = { jsonrpc: '2.0' as const, method: 'notifications/initialized' };
    const reply = { jsonrpc: '2.0' as const, id: 3, result: {} };
    const post = openJsonPost([note, reply], headers(), '/mcp', undefined);
    expect(post.hasRequests).toBe(false);
    const seen: unknown[] = [];
    post.exchange.onmessage = (message) => void seen.push(message);
    await expect(post.exchange.run()).resolves.toBeUndefined();
    expect(seen).toEqual([note, reply]);
    expect(post.exchange.answered).toBe(true);
  });

  it('refuses an answer to a request it was not given', async () => {
    const post = openJsonPost(call(1), headers(), '/mcp', undefined);
    post.exchange.onmessage = () => {};
    void post.exchange.run();
    await expect(post.exchange.send({ jsonrpc: '2.0', id: 2, result: {} })).rejects.toThrow(
      'No connection established for request ID: 2',
    );
    expect(post.exchange.answered).toBe(false);
  });

  it('resolves with nothing when closed before the answers, tells the server once, and takes no answer after', async () => {
    const post = openJsonPost(call(1), headers(), '/mcp', undefined);
    let closes = 0;
    post.exchange.onclose = () => void closes++;
    post.exchange.onmessage = () => {};
    const answer = post.exchange.run();
    await post.exchange.close();
    await post.exchange.close();
    await expect(answer).resolves.toBeUndefined();
    expect(closes).toBe(1);
    await expect(post.exchange.send({ jsonrpc: '2.0', id: 1, result: {} })).rejects.toThrow(
      'No connection established for request ID: 1',
    );
    expect(post.exchange.answered).toBe(false);
  });
});
