import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { currentCallScope, inCallScope, requestIdFrom } from '../../src/call-scope.js';
import { createLogger } from '../../src/log.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('requestIdFrom', () => {
  it('keeps ids other systems send: UUIDs, hex, dotted and base64url tokens', () => {
    for (const id of [
      '0f8e6c1a-2b3c-4d5e-8f90-a1b2c3d4e5f6',
      'abc123',
      'Root=1-5f1.trace:42',
      'a/b+c=',
      'x'.repeat(128),
    ]) {
      expect(requestIdFrom(id)).toBe(id);
    }
    expect(requestIdFrom(['first-id', 'second-id'])).toBe('first-id');
  });

  it('makes a new id for anything else, so a header can neither forge a log line nor flood it', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.constant(undefined)),
        (header) => {
          const id = requestIdFrom(header);
          expect(id).toMatch(/^[A-Za-z0-9][A-Za-z0-9._:/+=-]{0,127}$/);
          if (id !== header) expect(id).toMatch(UUID);
        },
      ),
    );
    for (const bad of ['', ' ', 'a b', 'a\nb', '"}{"x":1', '-x', 'x'.repeat(129), 'é']) {
      expect(requestIdFrom(bad)).toMatch(UUID);
    }
    expect(requestIdFrom(42)).toMatch(UUID);
    expect(requestIdFrom(undefined)).not.toBe(requestIdFrom(undefined));
  });
});

describe('the call scope', () => {
  it('adds its fields to every log line written inside it, across awaits, and to none outside', async () => {
    const lines: string[] = [];
    const log = createLogger('info', { service: 'x' }, (line) => lines.push(line));
    await Promise.all(
      ['a', 'b'].map((requestId) =>
        inCallScope({ fields: { requestId, user: `u-${requestId}` } }, async () => {
          await new Promise((resolve) => setImmediate(resolve));
          log.info('inside', { step: 1 });
          expect(currentCallScope()?.fields.requestId).toBe(requestId);
        }),
      ),
    );
    log.info('outside');
    const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(
      logged
        .filter((l) => l.msg === 'inside')
        .map((l) => [l.requestId, l.user])
        .sort(),
    ).toEqual([
      ['a', 'u-a'],
      ['b', 'u-b'],
    ]);
    expect(logged.find((l) => l.msg === 'outside')?.requestId).toBeUndefined();
    expect(currentCallScope()).toBeUndefined();
  });
});
