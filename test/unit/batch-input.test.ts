// Batch input: CSV reading (UTF-8 check, quoting, line numbers) and up-front validation per kind.
import { describe, expect, it } from 'vitest';
import { nonUtf8Lines, readCsv, type CsvTable } from '../../src/batch/csv-read.js';
import { validateRows } from '../../src/batch/validate.js';

const table = (text: string): CsvTable => {
  const r = readCsv(Buffer.from(text));
  if ('problems' in r) throw new Error(JSON.stringify(r.problems));
  return r.table;
};
const problems = (kind: 'refund' | 'query' | 'close', text: string) => {
  const r = validateRows(kind, table(text));
  return 'problems' in r ? r.problems : [];
};

describe('readCsv', () => {
  it('reads quoted fields, CRLF, a BOM and blank lines, with the line where each record starts', () => {
    const t = table('\uFEFFout_trade_no,reason\r\nORDER0001,"a, b"\r\n\r\nORDER0002,"two\nlines"\nORDER0003,x\n');
    expect(t.header).toEqual(['out_trade_no', 'reason']);
    expect(t.records).toEqual([
      { line: 2, fields: ['ORDER0001', 'a, b'] },
      { line: 4, fields: ['ORDER0002', 'two\nlines'] },
      { line: 6, fields: ['ORDER0003', 'x'] },
    ]);
  });

  it('refuses a GBK file, naming each bad line and the first bad byte', () => {
    const gbk = Buffer.concat([
      Buffer.from('out_trade_no,out_refund_no,amount,total,reason\nORDER0001,R1,1,2,'),
      Buffer.from([0xcd, 0xcb, 0xbf, 0xee]),
      Buffer.from('\nORDER0002,R2,1,2,ok\nORDER0003,R3,1,2,'),
      Buffer.from([0xb2, 0xe2]),
      Buffer.from('\n'),
    ]);
    const r = readCsv(gbk);
    expect('problems' in r && r.problems.map((p) => p.line)).toEqual([2, 4]);
    expect('problems' in r && r.problems[0]!.message).toMatch(/not valid UTF-8 \(byte 0xCD at column 18\)/);
  });

  it('accepts multi-byte UTF-8 and reports a truncated sequence at the end of a line', () => {
    expect(nonUtf8Lines(Buffer.from('原因,退款\n'))).toEqual([]);
    expect(nonUtf8Lines(Buffer.from([0x61, 0x0a, 0x62, 0xe5, 0x8e]))).toMatchObject([{ line: 2 }]);
  });

  it('reports an unclosed quote and an empty file', () => {
    expect(readCsv(Buffer.from('a,b\n"1,2\n3,4\n'))).toMatchObject({
      problems: [{ message: expect.stringMatching(/not readable as CSV/) }],
    });
    expect(readCsv(Buffer.from('\n\n'))).toMatchObject({
      problems: [{ line: 1, message: expect.stringMatching(/empty/) }],
    });
  });
});

describe('validateRows', () => {
  const HEAD = 'out_trade_no,out_refund_no,amount,total,reason\n';

  it('returns typed refund rows keyed by out_refund_no', () => {
    const r = validateRows('refund', table(`${HEAD}ORDER0001,R1,50,100,broken\nORDER0001,R2,50,100,\n`));
    expect(r).toEqual({
      rows: [
        { line: 2, key: 'R1', outTradeNo: 'ORDER0001', outRefundNo: 'R1', amount: 50, total: 100, reason: 'broken' },
        { line: 3, key: 'R2', outTradeNo: 'ORDER0001', outRefundNo: 'R2', amount: 50, total: 100 },
      ],
    });
  });

  it('rejects a missing column, unknown columns and a missing order column in the header (line 1)', () => {
    expect(problems('refund', 'out_trade_no,out_refund_no,amount\nORDER0001,R1,1\n')).toEqual([
      { line: 1, message: 'header: missing column "total"' },
    ]);
    expect(problems('refund', 'out_refund_no,amount,total,amout\nR1,1,2,3\n').map((p) => p.message)).toEqual([
      expect.stringMatching(/unknown column "amout"/),
      'header: missing column "out_trade_no" or "transaction_id"',
    ]);
    expect(problems('close', 'transaction_id\n4200000001\n')).toMatchObject([
      { line: 1 },
      { line: 1, message: 'header: missing column "out_trade_no"' },
    ]);
  });

  it('lists every bad row with its line: negative, zero, yuan, amount > total, duplicates, both order numbers', () => {
    const text = `${HEAD}ORDER0001,R1,-5,100,\nORDER0002,R2,0,100,\nORDER0003,R3,12.50,2000,\nORDER0004,R4,101,100,\nORDER0005,R1,1,100,\nORDER0006,R6,x,100,\nORDER0007,,1,100,\n`;
    expect(problems('refund', text)).toEqual([
      { line: 2, message: 'amount must not be negative, got -5' },
      { line: 3, message: 'amount must be greater than 0, got 0' },
      { line: 4, message: 'amount must be whole fen (分), got 12.50: 12.50 yuan is 1250 fen' },
      { line: 5, message: 'amount 101 is more than total 100' },
      { line: 6, message: 'duplicate out_refund_no R1 (first on line 2)' },
      { line: 7, message: 'amount must be a whole number of fen, got "x"' },
      { line: 8, message: 'out_refund_no is empty' },
    ]);
    expect(
      problems('refund', 'out_trade_no,transaction_id,out_refund_no,amount,total\nORDER0001,4200000001,R1,1,2\n'),
    ).toEqual([{ line: 2, message: 'give out_trade_no or transaction_id, not both' }]);
  });

  it('checks refunds of one order against its total across rows', () => {
    expect(problems('refund', `${HEAD}ORDER0001,R1,60,100,\nORDER0001,R2,60,100,\nORDER0001,R3,1,99,\n`)).toEqual([
      { line: 3, message: 'refunds for out_trade_no ORDER0001 add up to 120, more than its total 100' },
      { line: 4, message: 'total 99 differs from 100 on line 2 for the same out_trade_no ORDER0001' },
    ]);
  });

  it('query and close: order numbers, format and duplicates', () => {
    expect(validateRows('query', table('out_trade_no,transaction_id\nORDER0001,\n,4200000001\n'))).toMatchObject({
      rows: [{ key: 'out_trade_no:ORDER0001' }, { key: 'transaction_id:4200000001' }],
    });
    expect(problems('query', 'out_trade_no\nORDER0001\nbad!\nORDER0001\n')).toEqual([
      { line: 3, message: 'out_trade_no "bad!" must be 6-32 of 0-9 A-Z a-z _ - | *' },
      { line: 4, message: 'duplicate out_trade_no ORDER0001 (first on line 2)' },
    ]);
    expect(problems('close', 'out_trade_no\nORDER0001,extra\n')).toEqual([
      { line: 2, message: 'has 2 fields, the header has 1' },
    ]);
  });
});
