// Fuzzing (issue 9) the batch input: readCsv then validateRows, as `refund create --from` runs them, on
// arbitrary bytes (including invalid UTF-8 and GBK-like bytes) and on cell/line mutations of a valid file. They
// never throw: the outcome is rows, or problems with a line number inside the file, which the command turns
// into one typed BATCH_INVALID_FILE error.
import { fc } from '../helpers/fc.js';
import { describe, expect, it } from 'vitest';
import { readCsv } from '../../src/batch/csv-read.js';
import type { BatchKind } from '../../src/batch/types.js';
import { validateRows } from '../../src/batch/validate.js';
import { invalidFile } from '../../src/command-kit/batch-options.js';

const VALID = [
  'out_trade_no,out_refund_no,amount,total,reason',
  'ORDER000001,R1,100,300,broken',
  'ORDER000001,R2,200,300,"late, sorry"',
  'ORDER000002,R3,1,1,',
].join('\r\n');
const kinds = fc.constantFrom<BatchKind>('refund', 'query', 'close');

/** What the command does with a file; true when the outcome is well-formed. */
function check(bytes: Uint8Array, kind: BatchKind): boolean {
  const lines =
    Buffer.from(bytes)
      .toString('latin1')
      .split(/\r\n|\n|\r/).length + 1;
  const parsed = readCsv(bytes);
  const problems =
    'problems' in parsed
      ? parsed.problems
      : (() => {
          const v = validateRows(kind, parsed.table);
          if ('rows' in v) {
            for (const r of v.rows) expect(r.line).toBeGreaterThan(1);
            return [];
          }
          return v.problems;
        })();
  for (const p of problems) {
    expect(p.line).toBeGreaterThanOrEqual(1);
    expect(p.line).toBeLessThanOrEqual(lines);
    expect(typeof p.message).toBe('string');
  }
  if (problems.length)
    expect(invalidFile('in.csv', problems)).toMatchObject({ code: 'BATCH_INVALID_FILE', exitCode: 2 });
  return true;
}

describe('batch CSV reader under fuzzing', () => {
  it('the valid file reads as three refund rows (mutations start from a valid input)', () => {
    const parsed = readCsv(Buffer.from(VALID));
    expect('table' in parsed && validateRows('refund', parsed.table)).toMatchObject({
      rows: [{ line: 2 }, { line: 3 }, { line: 4 }],
    });
  });

  it('arbitrary bytes never throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 500 }), kinds, (b, kind) => check(b, kind)),
      { numRuns: 400 },
    );
  });

  it('CSV-shaped noise (quotes, separators, BOM, line ends, wide characters) never throws', () => {
    const unit = fc.constantFrom(
      '"',
      ',',
      '\n',
      '\r',
      '\r\n',
      '\ufeff',
      'a',
      '1',
      '.',
      '-',
      ' ',
      '退',
      '\u0000',
      'out_trade_no',
      'amount',
      'total',
      'out_refund_no',
    );
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 80 }), kinds, (parts, kind) => check(Buffer.from(parts.join('')), kind)),
      { numRuns: 400 },
    );
  });

  it('cell and line mutations of a valid file give rows or line-numbered problems', () => {
    const cell = fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.constantFrom('', '-1', '0', '1.5', '9007199254740993', '1e3', 'ORDER000001', 'R1', '"', 'x'.repeat(90)),
    );
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.nat(), fc.nat(), cell, fc.constantFrom('set', 'dropLine', 'dupLine', 'dropCell', 'bytes')),
          { minLength: 1, maxLength: 5 },
        ),
        kinds,
        (ops, kind) => {
          const rows = VALID.split('\r\n').map((l) => l.split(','));
          let tail = Buffer.alloc(0);
          for (const [a, b, v, op] of ops) {
            const r = rows[a % rows.length]!;
            if (op === 'set') r[b % r.length] = v;
            else if (op === 'dropLine' && rows.length > 1) rows.splice(a % rows.length, 1);
            else if (op === 'dupLine') rows.push([...r]);
            else if (op === 'dropCell') r.splice(b % r.length, 1);
            else tail = Buffer.from([0xc3, 0x28, b % 256]); // an invalid UTF-8 sequence
          }
          return check(Buffer.concat([Buffer.from(rows.map((r) => r.join(',')).join('\n')), tail]), kind);
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe('batch CSV round trip', () => {
  it('refund rows written as CSV (quoted reasons with commas, quotes, line breaks; CRLF or LF) read back with their start lines', () => {
    const reason = fc.string({ unit: fc.constantFrom('a', '退', ',', '"', ' ', '\n', '\r\n'), maxLength: 8 });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 100 }), reason), { minLength: 1, maxLength: 12 }),
        fc.constantFrom('\r\n', '\n'),
        (rows, eol) => {
          let line = 2;
          const expected: Array<{ line: number; outRefundNo: string; amount: number; reason?: string }> = [];
          const body = rows.map(([amount, r], i) => {
            const quoted = `"${r.replace(/"/g, '""')}"`;
            expected.push({ line, outRefundNo: `R${i}`, amount, ...(r ? { reason: r } : {}) });
            line += 1 + (r.match(/\r\n|\r|\n/g)?.length ?? 0);
            return `ORDER${String(i).padStart(6, '0')},R${i},${amount},100,${quoted}`;
          });
          const parsed = readCsv(
            Buffer.from(['out_trade_no,out_refund_no,amount,total,reason', ...body].join(eol) + eol),
          );
          expect('table' in parsed).toBe(true);
          const valid = validateRows('refund', (parsed as { table: Parameters<typeof validateRows>[1] }).table);
          if ('problems' in valid) return valid.problems.every((p) => /reason|longer/.test(p.message));
          expect(
            valid.rows.map((r) => ({
              line: r.line,
              outRefundNo: r.outRefundNo,
              amount: r.amount,
              ...(r.reason ? { reason: r.reason } : {}),
            })),
          ).toEqual(expected);
          return true;
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('regressions found by fuzzing', () => {
  it('csv-crlf-in-quotes-line-number: a CRLF inside a quoted field does not shift later line numbers (Excel writes CRLF)', () => {
    const parsed = readCsv(Buffer.from('out_trade_no,reason\r\nORDER000001,"two\r\nlines"\r\nORDER000002,x\r\n'));
    expect('table' in parsed && parsed.table.records.map((r) => r.line)).toEqual([2, 4]);
    const lf = readCsv(Buffer.from('out_trade_no,reason\nORDER000001,"two\nlines"\nORDER000002,x\n'));
    expect('table' in lf && lf.table.records.map((r) => r.line)).toEqual([2, 4]);
  });

  it('csv-crlf-in-quotes-line-number: an unclosed quote is reported on the line it opens, never past the end', () => {
    expect(readCsv(Buffer.from('"\r\n\r\n '))).toEqual({
      problems: [{ line: 1, message: expect.stringContaining('never closed') }],
    });
    expect(readCsv(Buffer.from('out_trade_no\r\nORDER000001\r\n"ORDER000002\r\nORDER000003\r\n'))).toEqual({
      problems: [{ line: 3, message: expect.stringContaining('never closed') }],
    });
  });
});
