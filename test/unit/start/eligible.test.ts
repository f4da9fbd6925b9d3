import {
  InitializedNotificationSchema,
  InitializeRequestSchema,
  JSONRPCMessageSchema,
  ListToolsRequestSchema,
  PingRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eligible } from '../../../src/start/eligible.js';

// The front may answer only what the SDK server would take and answer the same way: every message eligible() lets
// through must pass the SDK's own envelope and method schemas unchanged where the answer depends on it.

const SCHEMAS = {
  initialize: InitializeRequestSchema,
  'notifications/initialized': InitializedNotificationSchema,
  ping: PingRequestSchema,
  'tools/list': ListToolsRequestSchema,
};

// Mostly what clients send, each field sometimes something else, so that both sides of every check are reached.
const absent = fc.constant(undefined);
const loose = fc.oneof(
  absent,
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 4 }),
  fc.constant([]),
  fc.constant({}),
  fc.constant([{}]),
  fc.dictionary(fc.constantFrom('listChanged', 'applyDefaults', 'x'), fc.oneof(fc.boolean(), fc.string())),
);
const usually = <T, U>(valid: fc.Arbitrary<T>, other: fc.Arbitrary<U>) =>
  fc.oneof({ arbitrary: valid, weight: 6 }, { arbitrary: other, weight: 1 });
const seldom = <T>(other: fc.Arbitrary<T>) => usually(absent, other);
const text = usually(fc.string({ maxLength: 8 }), fc.oneof(fc.integer(), fc.constant(null), absent));
const optionalText = fc.oneof(absent, text);
const capability = usually(
  fc.dictionary(
    fc.constantFrom('context', 'tools', 'form', 'url', 'listChanged', 'list', 'x'),
    usually(fc.oneof(fc.constant({}), fc.boolean()), loose),
    { maxKeys: 2 },
  ),
  loose,
);
const capabilities = usually(
  fc.dictionary(
    fc.constantFrom('roots', 'sampling', 'elicitation', 'experimental', 'extensions', 'tasks', 'other'),
    capability,
    { maxKeys: 3 },
  ),
  loose,
);
const clientInfo = usually(
  fc.record({
    name: text,
    version: text,
    title: optionalText,
    websiteUrl: optionalText,
    description: optionalText,
    icons: seldom(loose),
  }),
  loose,
);
const params = fc.oneof(
  {
    arbitrary: fc.record({
      protocolVersion: usually(fc.constantFrom('2025-06-18', '2025-11-25', '2024-11-05', 'x'), text),
      capabilities,
      clientInfo,
      cursor: seldom(text),
      _meta: seldom(loose),
      other: seldom(loose),
    }),
    weight: 6,
  },
  { arbitrary: absent, weight: 2 },
  { arbitrary: loose, weight: 1 },
);
const message = fc.record({
  jsonrpc: usually(fc.constant('2.0'), fc.constantFrom('1.0', undefined)),
  id: usually(
    fc.oneof(fc.string({ maxLength: 4 }), fc.integer()),
    fc.oneof(fc.double(), fc.constant(2 ** 60), fc.constant(null), absent),
  ),
  method: fc.constantFrom('initialize', 'ping', 'tools/list', 'notifications/initialized', 'tools/call'),
  params,
  extra: seldom(loose),
});

/** JSON as it comes over the wire: no undefined values, no -0. */
const wire = (value: unknown) => JSON.parse(JSON.stringify(value) ?? 'null');

describe('what the stdio front answers', () => {
  it('takes only messages the SDK takes, with what the answer depends on unchanged', () => {
    const taken = new Map<string, number>();
    fc.assert(
      fc.property(message, fc.boolean(), (generated, first) => {
        const sent = wire(generated);
        const kind = eligible(sent, first);
        if (!kind) return;
        taken.set(kind, (taken.get(kind) ?? 0) + 1);
        const envelope = JSONRPCMessageSchema.safeParse(sent);
        expect(envelope.success).toBe(true);
        const parsed = SCHEMAS[kind].safeParse(envelope.data);
        expect(parsed.success).toBe(true);
        if (kind === 'initialize') {
          expect(first).toBe(true);
          expect((parsed.data as { params: { protocolVersion: string } }).params.protocolVersion).toBe(
            sent.params.protocolVersion,
          );
        } else {
          expect(first).toBe(false);
        }
        if ('id' in sent) expect((envelope.data as { id: unknown }).id).toBe(sent.id);
      }),
      { numRuns: 20_000 },
    );
    // The property says something only if the generator reaches each kind the front answers.
    for (const kind of Object.keys(SCHEMAS)) expect(taken.get(kind) ?? 0).toBeGreaterThan(10);
  });

  it('takes the initialize, initialized, tools/list and ping clients send', () => {
    const init = (capabilities: Record<string, unknown>, clientInfo: Record<string, unknown>) => ({
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities, clientInfo },
    });
    expect(eligible(init({}, { name: 'claude-ai', version: '0.1.0' }), true)).toBe('initialize');
    expect(
      eligible(
        init(
          { roots: { listChanged: true }, sampling: {}, elicitation: { form: {}, url: {} } },
          { name: 'inspector', title: 'Inspector', version: '2.0.0' },
        ),
        true,
      ),
    ).toBe('initialize');
    expect(eligible({ jsonrpc: '2.0', method: 'notifications/initialized' }, false)).toBe(
      'notifications/initialized',
    );
    expect(eligible({ jsonrpc: '2.0', id: 1, method: 'tools/list' }, false)).toBe('tools/list');
    expect(eligible({ jsonrpc: '2.0', id: 'a', method: 'tools/list', params: { cursor: 'x' } }, false)).toBe(
      'tools/list',
    );
    expect(eligible({ jsonrpc: '2.0', id: 2, method: 'ping' }, false)).toBe('ping');
  });

  it('leaves to the server a first message that is not initialize, a batch, and what comes after', () => {
    expect(eligible({ jsonrpc: '2.0', id: 1, method: 'tools/list' }, true)).toBeUndefined();
    expect(eligible([{ jsonrpc: '2.0', id: 1, method: 'ping' }], false)).toBeUndefined();
    expect(
      eligible({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'x', arguments: {} } }, false),
    ).toBeUndefined();
    expect(
      eligible(
        {
          jsonrpc: '2.0',
          id: 1,
          method: 'initialize',
          params: {
            protocolVersion: '2025-06-18',
            capabilities: {},
            clientInfo: { name: 'a', version: '1' },
          },
        },
        false,
      ),
    ).toBeUndefined();
  });
});
