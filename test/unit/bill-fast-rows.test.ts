// Issue 19: plain detail rows go from the gunzipped bytes straight to the output bytes (src/bills/row-bytes.ts)
// instead of through BillParser's strings and records. BillParser and the formatters stay the definition of the
// result, so this checks that receiveBill gives exactly what they give for the whole text decoded at once: the
// same output bytes in every format, rows, summary and totals mismatches, or the same typed error, for bills
// mixing plain rows with quoted, escaped, malformed and non-UTF-8 lines, cut into chunks of any size.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { FUND_COLUMNS, FUND_SUMMARY_COLUMNS, TRADE_COLUMNS, TRADE_SUMMARY_COLUMNS } from '../../src/bills/layout.js';
import { BillParser } from '../../src/bills/parse.js';
import { receiveBill } from '../../src/bills/stream.js';
import { BillTotals } from '../../src/bills/totals.js';
import { createFormatter, typedSummary, type BillFormat } from '../../src/bills/writers.js';
import { WxpayError } from '../../src/protocol/errors.js';
import { fc } from '../helpers/fc.js';
import { removeTemp } from '../helpers/scan-written-files.js';

const work = mkdtempSync(path.join(os.tmpdir(), 'wxpay-fast-rows-'));
afterAll(() => removeTemp(work));
let seq = 0;

/** What the string path makes of the whole file: the reference the byte path must equal. */
function reference(bytes: Buffer, format: BillFormat) {
  const parser = new BillParser();
  const totals = new BillTotals();
  let summary;
  let mismatch: unknown[] = [];
  let output: string;
  try {
    const recs = [...parser.push(bytes.toString('utf8')), ...parser.end()];
    for (const r of recs) {
      if (r.type === 'header') totals.header(r.columns);
      else if (r.type === 'row') totals.add(r.values);
      else {
        summary = typedSummary(r.columns, r.values);
        // Throws (RangeError) for a summary value that is no amount: receiveBill reports that as BILL_CORRUPT too.
        mismatch = totals.mismatches(r.columns, r.values);
      }
    }
    const w = format === 'raw' ? undefined : createFormatter(format);
    output = w ? w.push(recs) + w.finish() : bytes.toString('base64');
  } catch {
    return { error: 'BILL_CORRUPT' };
  }
  return { output, rows: parser.rows, summary, mismatch };
}

async function received(bytes: Buffer, format: BillFormat, chunk: number) {
  const target = path.join(work, `bill-${seq++}`);
  const body = Readable.from(
    (function* () {
      for (let i = 0; i < bytes.length; i += chunk) yield bytes.subarray(i, i + chunk);
    })(),
  );
  try {
    const hashValue = createHash('sha1').update(bytes).digest('hex');
    const r = await receiveBill({ body, gzip: false, hashValue, format, target });
    const file = readFileSync(target);
    const output = format === 'raw' ? file.toString('base64') : file.toString('utf8');
    return { output, rows: r.rows, summary: r.summary, mismatch: r.totalsMismatch };
  } catch (e) {
    if (!(e instanceof WxpayError)) throw e;
    return { error: e.code };
  }
}

// Values that make a row plain, and every kind of byte that must send it to the parser instead.
const value = fc.oneof(
  fc.constantFrom('1.00', '0.00600', '-2.50', '999999999.99', '1e3', '12.3', '', '收入', '支出', '0', '.50'),
  fc.string({
    unit: fc.constantFrom('a', '1', '.', '-', ',', ' ', '商', '"', '`', '\\', '\r', '\x01', '\u2028'),
    maxLength: 8,
  }),
);
const field = fc.tuple(value, fc.constantFrom('tick', 'quoted', 'bare', 'tick-quote'));
const cell = ([v, how]: [string, string]) =>
  how === 'quoted' ? `"\`${v.replace(/"/g, '""')}"` : how === 'bare' ? v : how === 'tick-quote' ? `\`"${v}"` : `\`${v}`;
/** Most rows have the header's width and backticked cells; some are off by one or hold odd cells. */
const row = (width: number) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.array(fc.tuple(value, fc.constant('tick')), { minLength: width, maxLength: width }) },
    { weight: 2, arbitrary: fc.array(field, { minLength: width - 1, maxLength: width + 1 }) },
  );

const layouts = [
  { columns: TRADE_COLUMNS.ALL, summary: TRADE_SUMMARY_COLUMNS.ALL },
  { columns: TRADE_COLUMNS.SUCCESS, summary: TRADE_SUMMARY_COLUMNS.SUCCESS },
  { columns: FUND_COLUMNS, summary: FUND_SUMMARY_COLUMNS },
];

const bill = fc
  .constantFrom(...layouts)
  .chain((l) =>
    fc.record({
      l: fc.constant(l),
      rows: fc.array(row(l.columns.length), { maxLength: 12 }),
      summary: fc.array(fc.constantFrom('3', '0.00', '1.00', '3.0', '-2.50'), {
        minLength: l.summary.length,
        maxLength: l.summary.length,
      }),
      eol: fc.constantFrom('\r\n', '\n'),
      end: fc.constantFrom('eol', 'none', 'cut'),
      // A byte that is not UTF-8 (or a cut multi-byte character) at some offset.
      broken: fc.option(fc.tuple(fc.nat(), fc.constantFrom(0xff, 0xe5, 0x80))),
    }),
  )
  .map(({ l, rows, summary, eol, end, broken }) => {
    const lines = [l.columns.join(','), ...rows.map((r) => r.map(cell).join(',')), l.summary.join(',')];
    lines.push(summary.map((v) => `\`${v}`).join(','));
    let text = lines.join(eol) + (end === 'eol' ? eol : '');
    if (end === 'cut') text = text.slice(0, -5);
    const bytes = Buffer.from(text);
    if (broken) bytes[l.columns.join(',').length + 2 + (broken[0] % Math.max(1, bytes.length - 40))] = broken[1];
    return bytes;
  });

describe('bill rows taken from the bytes (issue 19)', () => {
  it('give the same output, rows, summary and totals as the parser, in every format and any chunking', async () => {
    await fc.assert(
      fc.asyncProperty(
        bill,
        fc.constantFrom<BillFormat>('raw', 'csv', 'json', 'ndjson'),
        fc.integer({ min: 1, max: 700 }),
        async (bytes, format, chunk) => {
          expect(await received(bytes, format, chunk)).toEqual(reference(bytes, format));
        },
      ),
      { numRuns: 250 },
    );
  });

  it('a plain seeded-like bill takes the byte path for every row and matches the parser exactly', async () => {
    const rows = Array.from(
      { length: 500 },
      (_, i) =>
        `\`2026-01-02 10:00:00,\`wx1,\`1900000001,\`,\`,\`42000${i},\`T${i},\`o1,\`NATIVE,\`SUCCESS,\`OTHERS,\`CNY,\`${i}.01,\`0.00,\`0,\`0,\`0.00,\`0.00,\`,\`,${i % 5 ? '`商品-蓝色' : '"`商品,套装"'},\`shop=S1;till=0${i % 9},\`0.00600,\`0.60%,\`${i}.01,\`0.00,\``,
    );
    const text = `${TRADE_COLUMNS.ALL.join(',')}\r\n${rows.join('\r\n')}\r\n${TRADE_SUMMARY_COLUMNS.ALL.join(',')}\r\n\`500,\`124755.00,\`0.00,\`0.00,\`3.00000,\`124755.00,\`0.00\r\n`;
    const parsedLines = vi.spyOn(BillParser.prototype, 'pushLine');
    for (const format of ['csv', 'json', 'ndjson'] as const) {
      parsedLines.mockClear();
      const got = await received(Buffer.from(text), format, 65_536);
      // Only the header and the summary block (its header and its row) are decoded and parsed.
      expect(parsedLines).toHaveBeenCalledTimes(3);
      expect(got).toEqual(reference(Buffer.from(text), format));
      expect(got).toMatchObject({ rows: 500, mismatch: [] });
    }
  });
});
