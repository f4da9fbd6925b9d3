import { describe, expect, it } from 'vitest';
import { toolsCalledIn } from '../../../src/transports/response-mode.js';

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
