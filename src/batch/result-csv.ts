// Batch output: `<file>.result.csv`, one row per input row in input order, with its status and either the
// WeChat Pay id (refund_id / transaction_id) or the error code and message. The caller writes it with core's
// writeFileSafe (0600, fsynced temp file, rename), so a crash never leaves half a result file where a whole one is expected.
import type { BatchKind, BatchRow, RowResult } from './types.js';

type Column = [name: string, value: (row: BatchRow, r: RowResult) => string | number | undefined];

const COLUMNS: Record<BatchKind, Column[]> = {
  refund: [
    ['line', (row) => row.line],
    ['out_trade_no', (row) => row.outTradeNo],
    ['transaction_id', (row) => row.transactionId],
    ['out_refund_no', (row) => row.outRefundNo],
    ['amount', (row) => row.amount],
    ['status', (_, r) => r.status],
    ['refund_id', (_, r) => r.id],
    ['refund_status', (_, r) => r.state],
    ['code', (_, r) => r.code],
    ['message', (_, r) => r.message],
  ],
  query: [
    ['line', (row) => row.line],
    ['out_trade_no', (row) => row.outTradeNo],
    ['transaction_id', (row, r) => row.transactionId ?? r.id],
    ['status', (_, r) => r.status],
    ['trade_state', (_, r) => r.state],
    ['code', (_, r) => r.code],
    ['message', (_, r) => r.message],
  ],
  transfer: [
    ['line', (row) => row.line],
    ['out_bill_no', (row) => row.outBillNo],
    ['openid', (row) => row.openid],
    ['amount', (row) => row.amount],
    ['status', (_, r) => r.status],
    ['transfer_bill_no', (_, r) => r.id],
    ['state', (_, r) => r.state],
    ['code', (_, r) => r.code],
    ['message', (_, r) => r.message],
  ],
  close: [
    ['line', (row) => row.line],
    ['out_trade_no', (row) => row.outTradeNo],
    ['status', (_, r) => r.status],
    ['trade_state', (_, r) => r.state],
    ['code', (_, r) => r.code],
    ['message', (_, r) => r.message],
  ],
};

/** RFC 4180: quote a field holding a comma, quote, CR or LF (or edge spaces), doubling inner quotes. */
export function csvField(value: string | number | undefined): string {
  const s = value === undefined ? '' : String(value);
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function resultCsv(kind: BatchKind, rows: readonly BatchRow[], results: readonly RowResult[]): string {
  const cols = COLUMNS[kind];
  const lines = [cols.map(([name]) => name).join(',')];
  rows.forEach((row, i) => {
    const r = results[i]!;
    lines.push(cols.map(([, value]) => csvField(value(row, r))).join(','));
  });
  return `${lines.join('\r\n')}\r\n`;
}
