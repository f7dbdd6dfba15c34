// The refund ledger per order (issue 13): folded from journal records, and the check of rows against it.
import { describe, expect, it } from 'vitest';
import { ledgerOf, ledgerProblems } from '../../src/batch/ledger.js';
import type { BatchRow, JournalRecord } from '../../src/batch/types.js';

const at = '2026-01-01T00:00:00.000Z';
const start = (key: string, order: string, refund: number): JournalRecord => ({
  type: 'start',
  key,
  line: 2,
  request: { out_trade_no: order, out_refund_no: key, amount: { refund, total: 100, currency: 'CNY' } },
  at,
});
const row = (key: string, order: string, amount: number, line = 2): BatchRow => ({
  line,
  key,
  outTradeNo: order,
  outRefundNo: key,
  amount,
  total: 100,
});

describe('ledgerOf', () => {
  it('keeps refunds made or possibly made, and drops refused ones and ones a look-up did not find', () => {
    const records: JournalRecord[] = [
      { type: 'batch', v: 1, kind: 'refund', input: 'x.csv', at },
      start('R1', 'A', 50),
      {
        type: 'done',
        key: 'R1',
        status: 'succeeded',
        id: 'RF1',
        state: 'SUCCESS',
        order: { transactionId: 'T-A' },
        at,
      },
      start('R2', 'B', 20),
      start('R3', 'C', 30),
      { type: 'unknown', key: 'R3', code: 'TIMEOUT', message: 't', at },
      start('R4', 'D', 40),
      { type: 'done', key: 'R4', status: 'rejected', code: 'NOT_ENOUGH', message: 'n', at },
      start('R5', 'E', 10),
      { type: 'absent', key: 'R5', at },
    ];
    expect([...ledgerOf(records, 'j').values()]).toEqual([
      {
        outRefundNo: 'R1',
        outTradeNo: 'A',
        transactionId: 'T-A',
        amount: 50,
        total: 100,
        status: 'made',
        state: 'SUCCESS',
        refundId: 'RF1',
        journal: 'j',
        sentAt: Date.parse(at),
      },
      ...[['R2', 'B', 20] as const, ['R3', 'C', 30] as const].map(([outRefundNo, outTradeNo, amount]) => ({
        outRefundNo,
        outTradeNo,
        amount,
        total: 100,
        status: 'unknown',
        journal: 'j',
        // When it was sent: a look-up's "not found" soon after is asked again (in-flight.ts).
        sentAt: Date.parse(at),
      })),
    ]);
  });
});

describe('ledgerProblems', () => {
  const ledger = ledgerOf(
    [
      start('R1', 'A', 50),
      { type: 'done', key: 'R1', status: 'succeeded', state: 'SUCCESS', order: { transactionId: 'T-A' }, at },
      start('R9', 'Z', 100),
      { type: 'done', key: 'R9', status: 'succeeded', state: 'CLOSED', at },
    ],
    'j',
  ).values();
  const entries = [...ledger];

  it('refuses a row for an order refunded under a number the file does not list, whichever way the row names the order', () => {
    const byTxn: BatchRow = { line: 3, key: 'R1X', transactionId: 'T-A', outRefundNo: 'R1X', amount: 50, total: 100 };
    const p = ledgerProblems({
      toSend: [row('R1Y', 'A', 10), byTxn],
      counted: [row('R1Y', 'A', 10), byTxn],
      ledger: entries,
      allowAdditional: false,
    });
    expect(p).toEqual([
      {
        line: 2,
        kind: 'already-refunded',
        message: 'order A already has refund R1 of 50 fen (SUCCESS; j); this row would refund it again as R1Y (10 fen)',
      },
      {
        line: 3,
        kind: 'already-refunded',
        message:
          'order T-A already has refund R1 of 50 fen (SUCCESS; j); this row would refund it again as R1X (50 fen)',
      },
    ]);
  });

  it('lets the file resume its own refunds; with --allow-additional-refund only the total limits, and a CLOSED refund does not count', () => {
    expect(
      ledgerProblems({
        toSend: [row('R2', 'A', 60)],
        counted: [row('R1', 'A', 50), row('R2', 'A', 50)],
        ledger: entries,
        allowAdditional: false,
      }),
    ).toEqual([]);
    expect(
      ledgerProblems({
        toSend: [row('R2', 'A', 50)],
        counted: [row('R2', 'A', 50)],
        ledger: entries,
        allowAdditional: true,
      }),
    ).toEqual([]);
    expect(
      ledgerProblems({
        toSend: [row('R2', 'A', 51)],
        counted: [row('R2', 'A', 51)],
        ledger: entries,
        allowAdditional: true,
      }),
    ).toEqual([
      {
        line: 2,
        kind: 'over-total',
        message:
          'refunds of order A would add up to 101 fen, more than its total 100: R1 of 50 fen (SUCCESS; j), and R2 of 51 fen in this file',
      },
    ]);
    expect(
      ledgerProblems({
        toSend: [row('R10', 'Z', 100)],
        counted: [row('R10', 'Z', 100)],
        ledger: entries,
        allowAdditional: true,
      }),
    ).toEqual([]);
  });
});
