import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { canonicalId } from '../../../src/confluence/index.js';
import { idInput } from '../../../tools/index.js';

// An id argument takes the id as a string or as a JSON number; a number becomes the string a client would have sent.
describe('idInput', () => {
  const schema = idInput(z.string().min(1).max(2048));

  it('turns every whole number from 0 to 2^53-1 into its decimal string, the same id as that string', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (n) => {
        const parsed = schema.parse(n);
        expect(parsed).toBe(String(n));
        expect(canonicalId(parsed)).toBe(canonicalId(String(n)));
      }),
    );
  });

  it('refuses numbers that are not whole, not positive or not exact', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ max: -1 }),
          fc.double({ noInteger: true }),
          fc.double({ min: Number.MAX_SAFE_INTEGER + 1, noNaN: true }),
          fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
        ),
        (n) => {
          expect(schema.safeParse(n).success).toBe(false);
        },
      ),
    );
  });

  it('leaves strings to the string schema, and refuses other types', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 2048 }), (text) => {
        expect(schema.parse(text)).toBe(text);
      }),
    );
    for (const value of ['', 'x'.repeat(2049), true, null, {}, [65540]]) {
      expect(schema.safeParse(value).success, JSON.stringify(value)).toBe(false);
    }
  });
});
