// docs/protocol.md §5 bill layout: backtick prefixes, quoted commas in product names, fund-bill \r/\n escapes,
// the summary block, and chunk boundaries anywhere.
import { describe, expect, it } from 'vitest';
import { TRADE_COLUMNS, TRADE_SUMMARY_COLUMNS, FUND_COLUMNS, FUND_SUMMARY_COLUMNS } from '../../src/bills/layout.js';
import { BillParser, parseBillLine, splitFields, type BillRecord } from '../../src/bills/parse.js';
import { sumYuan, unitsToYuan, yuanToFen, yuanToUnits } from '../../src/bills/amount.js';
import { BillTotals } from '../../src/bills/totals.js';
import { createFormatter, rowJson, typedRow, typedSummary } from '../../src/bills/writers.js';

// The doc's sample row (docs/protocol.md §5), with the elided ids filled in.
const SAMPLE_ROW =
  '`2022-03-21 13:51:31,`wxfdc955f7104ad557,`180023671,`176531292,`,`4200001234202203211234567890,`2021WERUN1647841891,`oZWa5i1Ssbt1z2Y2WcG9CmAH8Ip4,`JSAPI,`SUCCESS,`OTHERS,`CNY,`0.01,`0.00,`0,`0,`0.00,`0.00,`,`,`商品,`,`0.00000,`0.90%,`0.01,`0.00,`';
const ALL_HEADER = TRADE_COLUMNS.ALL.join(',');
const ALL_SUMMARY = TRADE_SUMMARY_COLUMNS.ALL.join(',');

const parseAll = (text: string, chunk = text.length): BillRecord[] => {
  const p = new BillParser();
  const out: BillRecord[] = [];
  for (let i = 0; i < text.length; i += chunk) out.push(...p.push(text.slice(i, i + chunk)));
  return [...out, ...p.end()];
};

describe('bill parser', () => {
  it('strips the backtick prefix of every field (the doc sample row)', () => {
    const v = parseBillLine(SAMPLE_ROW)!;
    expect(v).toHaveLength(27);
    expect(v[0]).toBe('2022-03-21 13:51:31');
    expect(v[4]).toBe('');
    expect(v[12]).toBe('0.01');
    expect(v[20]).toBe('商品');
    expect(v[22]).toBe('0.00000');
    expect(v[26]).toBe('');
    expect(v.some((f) => f.startsWith('`'))).toBe(false);
  });

  it('keeps commas inside a quoted product name, quoted around or after the backtick', () => {
    const around = SAMPLE_ROW.replace('`商品,', '"`商品,大号,红色",');
    const after = SAMPLE_ROW.replace('`商品,', '`"商品,大号,""红色""",');
    expect(parseBillLine(around)![20]).toBe('商品,大号,红色');
    expect(parseBillLine(after)![20]).toBe('商品,大号,"红色"');
    expect(parseBillLine(around)).toHaveLength(27);
    expect(parseBillLine(after)).toHaveLength(27);
    expect(splitFields('`a,"`b')).toBeUndefined(); // quote still open: the line continues
    // Unquoted: every field starts with a backtick, so a bare comma is part of the value.
    const bare = parseBillLine(SAMPLE_ROW.replace('`商品,', '`商品,大号,红色,'))!;
    expect(bare).toHaveLength(27);
    expect(bare[20]).toBe('商品,大号,红色');
    // A JSON attach with quotes and commas, unquoted, next to a quoted product name.
    const json = parseBillLine(SAMPLE_ROW.replace('`商品,`,', '"`商品,大号",`{"a":1,"b":"x"},'))!;
    expect(json).toHaveLength(27);
    expect(json.slice(20, 22)).toEqual(['商品,大号', '{"a":1,"b":"x"}']);
    expect(splitFields('a,b,c')).toEqual(['a', 'b', 'c']); // a header line splits on every comma
  });

  it("turns the fund bill's \\r and \\n escapes back into line breaks", () => {
    const row =
      '`2026-01-02 10:00:00,`4200000001,`F1,`退款,`退款,`支出,`1.00,`9.00,`系统,`第一行\\r\\n第二行\\n第三行,`R1';
    const text = [FUND_COLUMNS.join(','), row, FUND_SUMMARY_COLUMNS.join(','), '`1.0,`0.0,`0.00,`1.0,`1.00', ''].join(
      '\r\n',
    );
    const recs = parseAll(text, 7);
    const r = recs.find((x) => x.type === 'row')!;
    expect(r.type === 'row' && r.values[9]).toBe('第一行\r\n第二行\n第三行');
    expect(recs[0]).toMatchObject({ type: 'header', kind: 'fundflow' });
    // Trade bills are not unescaped: a backslash there is data.
    expect(parseBillLine('`a\\nb', 'trade')).toEqual(['a\\nb']);
  });

  it('reads the summary block as its own record, typed with numeric counts', () => {
    const text = `${ALL_HEADER}\r\n${SAMPLE_ROW}\r\n${SAMPLE_ROW}\r\n${ALL_SUMMARY}\r\n\`2,\`0.02,\`0.00,\`0.00,\`0.00000,\`0.02,\`0.00\r\n`;
    const recs = parseAll(text);
    expect(recs.map((r) => r.type)).toEqual(['header', 'row', 'row', 'summary']);
    expect(recs[0]).toMatchObject({ kind: 'trade', tradeType: 'ALL' });
    const s = recs[3]!;
    expect(s.type === 'summary' && typedSummary(s.columns, s.values)).toEqual({
      total_count: 2,
      settlement_total: '0.02',
      refund_total: '0.00',
      recharge_coupon_refund_total: '0.00',
      fee_total: '0.00000',
      order_total: '0.02',
      applied_refund_total: '0.00',
    });
    expect(typedSummary(FUND_SUMMARY_COLUMNS, ['20.0', '17.0', '0.35', '3.0', '0.18'])).toEqual({
      total_count: 20,
      income_count: 17,
      income_amount: '0.35',
      expense_count: 3,
      expense_amount: '0.18',
    });
  });

  it('gives the same records whatever the chunk size (multi-byte text split anywhere)', () => {
    const text = `\ufeff${ALL_HEADER}\n${SAMPLE_ROW.replace('`商品,', '"`商品,大号",')}\n${ALL_SUMMARY}\n\`1,\`0.01,\`0.00,\`0.00,\`0.00000,\`0.01,\`0.00`;
    const whole = parseAll(text);
    expect(parseAll(text, 1)).toEqual(whole);
    expect(parseAll(text, 13)).toEqual(whole);
    expect(whole[0]!.type === 'header' && whole[0]!.columns[0]).toBe('交易时间');
  });

  it('rejects a truncated bill, a row of the wrong width, and a row without backticks', () => {
    expect(() => parseAll(`${ALL_HEADER}\n${SAMPLE_ROW}\n`)).toThrow(/without its summary/);
    expect(() => parseAll(`${ALL_HEADER}\n\`a,\`b\n`)).toThrow(/line 2: 2 fields, but the header has 27/);
    expect(() => parseAll(`${ALL_HEADER}\nplain,row\n`)).toThrow(/backtick/);
    expect(() => parseAll('')).toThrow(/empty/);
  });
});

describe('bill amounts and totals', () => {
  it('converts yuan strings exactly, never through floats', () => {
    expect(yuanToFen('0.10')).toBe(10n);
    expect(yuanToFen('-12.34')).toBe(-1234n);
    expect(yuanToUnits('0.00060', 5)).toBe(60n);
    expect(unitsToYuan(-5n, 2)).toBe('-0.05');
    expect(sumYuan(['0.10', '0.20'])).toBe('0.30'); // 0.1 + 0.2 !== 0.3 in floats
    expect(() => yuanToFen('1.234')).toThrow(RangeError);
    expect(() => yuanToFen('1e3')).toThrow(RangeError);
  });

  it('recomputes the summary from the rows and names the fields that disagree', () => {
    const t = new BillTotals();
    t.header(TRADE_COLUMNS.ALL);
    const v = parseBillLine(SAMPLE_ROW)!;
    t.add(v);
    t.add(v);
    expect(t.mismatches(TRADE_SUMMARY_COLUMNS.ALL, ['2', '0.02', '0.00', '0.00', '0.00000', '0.02', '0.00'])).toEqual(
      [],
    );
    expect(t.mismatches(TRADE_SUMMARY_COLUMNS.ALL, ['3', '0.02', '0.00', '0.00', '0.00000', '0.03', '0.00'])).toEqual([
      { key: 'total_count', file: '3', rows: '2' },
      { key: 'order_total', file: '0.03', rows: '0.02' },
    ]);
    // Large sums stay exact (past 2^53 units of 0.00001 yuan), and a non-amount makes a sum unknown, not an error.
    const big = new BillTotals();
    big.header(TRADE_COLUMNS.ALL);
    const row = [...v];
    row[24] = '999999999.99';
    for (let i = 0; i < 200; i++) big.add(row);
    expect(big.computed('order_total', '0.00')).toBe('199999999998.00');
    row[24] = 'n/a';
    big.add(row);
    expect(big.computed('order_total', '0.00')).toBeUndefined();
  });
});

describe('bill formatters', () => {
  const recs = parseAll(
    `${ALL_HEADER}\n${SAMPLE_ROW.replace('`商品,', '"`商品,大号",')}\n${ALL_SUMMARY}\n\`1,\`0.01,\`0.00,\`0.00,\`0.00000,\`0.01,\`0.00\n`,
  );
  const run = (f: 'csv' | 'json' | 'ndjson') => {
    const w = createFormatter(f);
    return w.push(recs) + w.finish();
  };

  it('csv: no backticks, RFC 4180 quoting, summary block kept', () => {
    const lines = run('csv').split('\r\n');
    expect(lines[0]).toBe(ALL_HEADER);
    expect(lines[1]).toContain(',"商品,大号",');
    expect(lines[1]).not.toContain('`');
    expect(lines[2]).toBe(ALL_SUMMARY);
    expect(lines[3]).toBe('1,0.01,0.00,0.00,0.00000,0.01,0.00');
  });

  it('json and ndjson: typed rows with amounts as yuan strings', () => {
    const doc = JSON.parse(run('json'));
    expect(doc).toMatchObject({ kind: 'trade', bill_type: 'ALL', summary: { total_count: 1, order_total: '0.01' } });
    expect(doc.rows[0]).toMatchObject({
      trade_time: '2022-03-21 13:51:31',
      description: '商品,大号',
      total: '0.01',
      fee: '0.00000',
      fee_rate: '0.90%',
    });
    const lines = run('ndjson')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0]).toEqual({ record: 'row', ...doc.rows[0] });
    expect(lines[1]).toEqual({ record: 'summary', ...doc.summary });
    expect(typedRow(['a', 'b'], ['1'])).toEqual({ a: '1', b: '' });
  });

  it('rowJson builds exactly JSON.stringify(typedRow(...)) without the object', () => {
    const keys = ['a', 'b"q', 'c'];
    const values = ['1', 'x\n"y"\\', '商品,大号'];
    expect(
      rowJson(
        keys.map((k) => `${JSON.stringify(k)}:`),
        values,
      ),
    ).toBe(JSON.stringify(typedRow(keys, values)));
  });
});
