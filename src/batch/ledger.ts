// The refund ledger per order, folded from refund journals: every refund made or possibly made (finished, or
// started with an unknown outcome), under any out_refund_no, whatever the CSV says today. The journal is keyed
// by out_refund_no, so renaming `R1` to `R1X` in the file makes a new row; the ledger is what still knows that
// the order was refunded as `R1`. A row is refused when its order already has a refund the file does not
// list, unless extra refunds are allowed, and even then the refunds of an order never add up past its total.
import { journalTime } from './in-flight.js';
import type { BatchRow, JournalRecord } from './types.js';

export interface LedgerEntry {
  outRefundNo: string;
  outTradeNo?: string;
  transactionId?: string;
  amount: number;
  total: number;
  /** made: WeChat Pay has it (`state` says how far it got); unknown: sent, and nobody knows yet whether it was made. */
  status: 'made' | 'unknown';
  state?: string;
  refundId?: string;
  /** The journal it came from. */
  journal: string;
  /** When its last `start` was journaled (ms): a look-up's "not found" counts only later (in-flight.ts). */
  sentAt?: number | undefined;
}

type RefundBody = { out_trade_no?: string; transaction_id?: string; amount?: { refund?: number; total?: number } };

/** Folds refund journal records into one entry per out_refund_no that was made or may have been. */
export function ledgerOf(records: readonly JournalRecord[], journal: string): Map<string, LedgerEntry> {
  const entries = new Map<string, LedgerEntry>();
  for (const r of records) {
    if (r.type === 'batch') continue;
    const e = entries.get(r.key);
    if (r.type === 'start') {
      const b = (r.request ?? {}) as RefundBody;
      if (typeof b.amount?.refund !== 'number') continue;
      entries.set(r.key, {
        outRefundNo: r.key,
        amount: b.amount.refund,
        total: b.amount.total ?? 0,
        status: 'unknown',
        journal,
        sentAt: journalTime(r.at),
        ...(b.out_trade_no ? { outTradeNo: b.out_trade_no } : {}),
        ...(b.transaction_id ? { transactionId: b.transaction_id } : {}),
      });
    } else if (e) {
      const next = settled(e, r);
      if (next) entries.set(r.key, next);
      else entries.delete(r.key);
    }
  }
  return entries;
}

/** The entry after a later record about it; undefined when no money moved under its number after all. */
export function settled(e: LedgerEntry, r: JournalRecord): LedgerEntry | undefined {
  // Refused, or looked up and not there: no money moved under this number.
  if (r.type === 'absent' || (r.type === 'done' && r.status === 'rejected')) return undefined;
  if (r.type !== 'done') return e;
  return {
    ...e,
    status: 'made',
    ...(r.state ? { state: r.state } : {}),
    ...(r.id ? { refundId: r.id } : {}),
    ...r.order,
  };
}

export const sameOrder = (
  e: Pick<LedgerEntry, 'outTradeNo' | 'transactionId'>,
  row: Pick<BatchRow, 'outTradeNo' | 'transactionId'>,
): boolean =>
  Boolean(
    (row.outTradeNo && e.outTradeNo === row.outTradeNo) || (row.transactionId && e.transactionId === row.transactionId),
  );

/** A closed refund returned nothing: it is listed, but does not count toward the order's refunded sum. */
const counts = (e: LedgerEntry) => e.state !== 'CLOSED';

export function describeEntry(e: LedgerEntry): string {
  const state =
    e.status === 'made'
      ? `${e.state ?? 'made'}${e.refundId ? `, refund_id ${e.refundId}` : ''}`
      : 'outcome unknown: it may have been made';
  return `${e.outRefundNo} of ${e.amount} fen (${state}; ${e.journal})`;
}

export interface LedgerProblem {
  line: number;
  kind: 'already-refunded' | 'over-total';
  message: string;
}

/**
 * Checks the rows about to be sent against the ledger. `counted`: the file's rows (planned and summed by the
 * validator together) whose refunds are made or about to be (not those the journal says were refused).
 */
export function ledgerProblems(o: {
  toSend: readonly BatchRow[];
  counted: readonly BatchRow[];
  ledger: Iterable<LedgerEntry>;
  allowAdditional: boolean;
}): LedgerProblem[] {
  // A refund the file lists is the file's: same out_refund_no AND same order. The number alone is not enough: a
  // row reusing it for another order (refused by WeChat Pay) must not hide the refund of the first order.
  const outside = [...o.ledger].filter((e) => !o.counted.some((r) => r.key === e.outRefundNo && sameOrder(e, r)));
  const problems: LedgerProblem[] = [];
  const summed = new Set<string>();
  for (const row of o.toSend) {
    const earlier = outside.filter((e) => sameOrder(e, row));
    if (!earlier.length) continue;
    const order = row.outTradeNo ?? row.transactionId!;
    if (!o.allowAdditional) {
      problems.push({
        line: row.line,
        kind: 'already-refunded',
        message: `order ${order} already has refund ${earlier.map(describeEntry).join(', ')}; this row would refund it again as ${row.key} (${row.amount} fen)`,
      });
      continue;
    }
    if (summed.has(order)) continue;
    summed.add(order);
    const mine = o.counted.filter((r) =>
      row.outTradeNo ? r.outTradeNo === row.outTradeNo : r.transactionId === row.transactionId,
    );
    const sum =
      earlier.filter(counts).reduce((s, e) => s + e.amount, 0) + mine.reduce((s, r) => s + (r.amount ?? 0), 0);
    if (sum > row.total!) {
      problems.push({
        line: row.line,
        kind: 'over-total',
        message: `refunds of order ${order} would add up to ${sum} fen, more than its total ${row.total}: ${earlier.map(describeEntry).join(', ')}, and ${mine.map((r) => `${r.key} of ${r.amount} fen`).join(', ')} in this file`,
      });
    }
  }
  return problems;
}

/** The row a look-up of a ledger entry needs (the order, number and amount it was sent with). */
export const entryRow = (e: LedgerEntry): BatchRow => ({
  line: 0,
  key: e.outRefundNo,
  outRefundNo: e.outRefundNo,
  amount: e.amount,
  total: e.total,
  ...(e.outTradeNo ? { outTradeNo: e.outTradeNo } : {}),
  ...(e.transactionId ? { transactionId: e.transactionId } : {}),
});
