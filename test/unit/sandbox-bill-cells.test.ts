// Issue 19: the sandbox writes a seeded bill's cells with number math and one quoting test per line instead of
// BigInt and a test per value. The bytes must not change (hash_value was taken from them): each fast form equals
// the plain one it replaces.
import { describe, expect, it } from 'vitest';
import { unitsToYuan } from '../../src/bills/amount.js';
import { fee5, tick, tickLine, yuan } from '../../src/sandbox/bill-cells.js';
import { fc } from '../helpers/fc.js';

describe('sandbox bill cells (issue 19)', () => {
  it('yuan and fee5 equal the BigInt formatting for any whole number of fen, negative and huge included', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer(), fc.integer({ min: -1000, max: 1000 }), fc.maxSafeInteger()), (fen) => {
        expect(yuan(fen)).toBe(unitsToYuan(fen, 2));
        expect(fee5(fen)).toBe(unitsToYuan(fen * 1000, 5));
      }),
      { numRuns: 500 },
    );
    expect([yuan(-5), yuan(0), yuan(123456), fee5(6)]).toEqual(['-0.05', '0.00', '1234.56', '0.06000']);
  });

  it('tickLine equals ticking each value, whatever the values hold', () => {
    const value = fc.string({ unit: fc.constantFrom('a', '1', ',', '`', '"', '\r', '\n', ' ', '商'), maxLength: 6 });
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 30 }), (values) => {
        expect(tickLine(values)).toBe(values.map(tick).join(','));
      }),
      { numRuns: 500 },
    );
  });
});
