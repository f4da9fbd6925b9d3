import { describe, expect, it } from 'vitest';
import { needsStream, toolsCalledIn } from '../../../src/transports/response-mode.js';

const call = (name: unknown, id = 1) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name } });

describe('toolsCalledIn', () => {
  it('names the tools a message or a batch of calls calls', () => {
    expect(toolsCalledIn(call('confluence_get_page'))).toEqual(new Set(['confluence_get_page']));
    expect(toolsCalledIn([call('a', 1), call('b', 2), call('a', 3)])).toEqual(new Set(['a', 'b']));
  });

  it('names none when anything in the body is not a call of a named tool', () => {
    for (const body of [
      { jsonrpc: '2.0', id: 1, method: 'initialize', params: {} },
      { jsonrpc: '2.0', id: 1, method: 'tools/list' },
      [call('a'), { jsonrpc: '2.0', id: 2, method: 'tools/list' }],
      [call('a'), { jsonrpc: '2.0', method: 'notifications/initialized' }],
      call(7),
      { jsonrpc: '2.0', id: 1, method: 'tools/call' },
      [],
      null,
      'tools/call',
    ]) {
      expect(toolsCalledIn(body), JSON.stringify(body)).toBeUndefined();
    }
  });
});

describe('needsStream: a stream only for what sends notifications before its answer', () => {
  const withProgress = (token: unknown) => ({
    jsonrpc: '2.0',
    id: 1,
    method: 'tools/call',
    params: { name: 'confluence_get_page', _meta: { progressToken: token } },
  });
  const notifying = new Set(['confluence_enable_toolset']);

  it('streams a request that asks for progress with a string or number token', () => {
    expect(needsStream(withProgress('p-1'))).toBe(true);
    expect(needsStream(withProgress(0))).toBe(true);
  });

  it('answers in JSON when no request asks for progress in a form that counts', () => {
    for (const body of [
      call('confluence_get_page'),
      withProgress(undefined),
      withProgress(null),
      withProgress({ id: 1 }),
      withProgress(true),
      { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'x', _meta: null } },
      { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'x', _meta: 'progressToken' } },
      { jsonrpc: '2.0', id: 1, method: 'tools/call', params: null },
      { jsonrpc: '2.0', id: 1, method: 'tools/call', params: 'x' },
      { jsonrpc: '2.0', id: 1, method: 'tools/list' },
      null,
      'progressToken',
      [],
    ]) {
      expect(needsStream(body), JSON.stringify(body)).toBe(false);
    }
  });

  it('streams a call of a tool that announces a new tool list, and only a call of it', () => {
    expect(needsStream(call('confluence_enable_toolset'), notifying)).toBe(true);
    expect(needsStream(call('confluence_enable_toolset'))).toBe(false);
    expect(needsStream(call('confluence_get_page'), notifying)).toBe(false);
    const listing = {
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/list',
      params: { name: 'confluence_enable_toolset' },
    };
    expect(needsStream(listing, notifying)).toBe(false);
    expect(
      needsStream({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: ['x'] } }, new Set(['x'])),
    ).toBe(false);
    expect(needsStream({ jsonrpc: '2.0', id: 1, method: 'tools/call' }, notifying)).toBe(false);
    expect(needsStream(null, notifying)).toBe(false);
  });

  it('streams a batch when any one of its requests needs it', () => {
    expect(needsStream([call('a'), withProgress('p')])).toBe(true);
    expect(needsStream([call('a', 1), call('confluence_enable_toolset', 2)], notifying)).toBe(true);
    expect(needsStream([call('a', 1), call('b', 2)], notifying)).toBe(false);
  });
});
