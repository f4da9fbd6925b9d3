import { describe, expect, it } from 'vitest';
import { openJsonPost } from '../../../src/transports/json-exchange.js';

// The JSON exchange at its edges: what the server may send that is not an answer, a batch that mixes requests with
// notifications, and an exchange closed or run without a server attached.

const headers = { accept: 'application/json, text/event-stream' };
const call = (id: number) => ({
  jsonrpc: '2.0' as const,
  id,
  method: 'tools/call',
  params: { name: 'confluence_get_page', arguments: {} },
});
const initialized = { jsonrpc: '2.0' as const, method: 'notifications/initialized' };

describe('the JSON exchange at its edges', () => {
  it('drops a request the server sends the client (it has no stream to go on) and still answers', async () => {
    const post = openJsonPost(call(1), headers, '/mcp', undefined);
    post.exchange.onmessage = () => {};
    const answer = post.exchange.run();
    await expect(
      post.exchange.send({ jsonrpc: '2.0', id: 99, method: 'elicitation/create', params: {} }),
    ).resolves.toBeUndefined();
    expect(post.exchange.answered).toBe(false);
    await post.exchange.send({ jsonrpc: '2.0', id: 1, result: {} });
    await expect(answer).resolves.toEqual({ jsonrpc: '2.0', id: 1, result: {} });
  });

  it('runs a batch of requests and notifications as one holding requests, answered with the requests only', async () => {
    const post = openJsonPost([initialized, call(1)], headers, '/mcp', undefined);
    expect(post.hasRequests).toBe(true);
    post.exchange.onmessage = (message) => {
      if ('id' in message && message.id !== undefined)
        void post.exchange.send({ jsonrpc: '2.0', id: message.id, result: { ok: 1 } });
    };
    await expect(post.exchange.run()).resolves.toEqual({ jsonrpc: '2.0', id: 1, result: { ok: 1 } });
  });

  it('takes a close before it ran, or with no one listening, and runs no one afterwards', async () => {
    const post = openJsonPost(call(1), headers, '/mcp', undefined);
    await expect(post.exchange.close()).resolves.toBeUndefined();
    const quiet = openJsonPost([initialized], headers, '/mcp', undefined);
    // No server attached: the messages have no one to go to, and the POST is still answered (202).
    await expect(quiet.exchange.run()).resolves.toBeUndefined();
    await expect(quiet.exchange.close()).resolves.toBeUndefined();
    let closes = 0;
    const told = openJsonPost(call(2), headers, '/mcp', undefined);
    told.exchange.onclose = () => void closes++;
    await told.exchange.close();
    expect(closes).toBe(1);
  });
});
