// Batch output: the result CSV (RFC 4180 quoting, one row per input in input order), the summary counts,
// and the resume command printed after SIGINT.
import { describe, expect, it } from 'vitest';
import { csvField, resultCsv } from '../../src/batch/result-csv.js';
import type { BatchRow, RowResult } from '../../src/batch/types.js';
import { resumeHint } from '../../src/command-kit/batch-report.js';
import { summarize } from '../../src/batch/summary.js';

const rows: BatchRow[] = [
  { line: 2, key: 'R1', outTradeNo: 'ORDER0001', outRefundNo: 'R1', amount: 50, total: 100 },
  { line: 3, key: 'R2', transactionId: '4200000001', outRefundNo: 'R2', amount: 30, total: 100 },
  { line: 4, key: 'R3', outTradeNo: 'ORDER0003', outRefundNo: 'R3', amount: 20, total: 100 },
];
const results: RowResult[] = [
  { line: 2, key: 'R1', status: 'succeeded', id: '50300001', state: 'PROCESSING', fromJournal: true },
  { line: 3, key: 'R2', status: 'rejected', code: 'NOT_ENOUGH', message: '申请退款金额超过订单可退金额, "really"' },
  { line: 4, key: 'R3', status: 'pending', message: 'not sent: the batch was interrupted' },
];

describe('result CSV', () => {
  it('quotes only what needs quoting', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(undefined)).toBe('');
    expect(csvField(12)).toBe('12');
  });

  it('writes one row per input row with status, refund_id or code, and message', () => {
    expect(resultCsv('refund', rows, results).split('\r\n')).toEqual([
      'line,out_trade_no,transaction_id,out_refund_no,amount,status,refund_id,refund_status,code,message',
      '2,ORDER0001,,R1,50,succeeded,50300001,PROCESSING,,',
      '3,,4200000001,R2,30,rejected,,,NOT_ENOUGH,"申请退款金额超过订单可退金额, ""really"""',
      '4,ORDER0003,,R3,20,pending,,,,not sent: the batch was interrupted',
      '',
    ]);
    expect(resultCsv('close', rows.slice(0, 1), results.slice(0, 1))).toBe(
      'line,out_trade_no,status,trade_state,code,message\r\n2,ORDER0001,succeeded,PROCESSING,,\r\n',
    );
  });
});

describe('summary and resume hint', () => {
  it('counts statuses, codes and the refunded amount', () => {
    expect(
      summarize('refund', rows, results, {
        input: 'r.csv',
        journalFile: 'r.journal.ndjson',
        resultFile: 'r.result.csv',
        elapsedMs: 10,
        interrupted: true,
      }),
    ).toMatchObject({
      rows: 3,
      succeeded: 1,
      rejected: 1,
      unknown: 0,
      pending: 1,
      fromJournal: 1,
      amount: 50,
      codes: { NOT_ENOUGH: 1 },
      interrupted: true,
    });
  });

  it('repeats the file, journal, profile and flow options, quoting what the shell would split', () => {
    expect(resumeHint('refund', { from: 'my refunds.csv', journal: 'j.ndjson', profile: 'prod', rate: '20' })).toBe(
      "wxpay refund create --from 'my refunds.csv' --journal j.ndjson --profile prod --rate 20",
    );
    expect(resumeHint('close', { from: 'c.csv' })).toBe('wxpay close --from c.csv');
  });

  it('keeps --yes, so a resumed script does not stop at a prompt (issue 14: resume-hint-drops-yes)', () => {
    expect(resumeHint('refund', { from: 'r.csv', yes: true, rate: '20' })).toBe(
      'wxpay refund create --from r.csv --yes --rate 20',
    );
  });
});
