// Batch input, step 2: the whole file is checked before anything is sent. Header and columns per kind,
// number formats (docs/protocol.md §5), integer-fen amounts with 0 < amount <= total, and duplicates within the
// file. Every problem is returned with its line number; one bad row blocks the whole batch.
import type { CsvProblem, CsvTable } from './csv-read.js';
import type { BatchKind, BatchRow } from './types.js';
import { TRANSFER_COLUMNS, transferFields } from './validate-transfer.js';
import { isOutRefundNo, isOutTradeNo, TRANSACTION_ID } from '../protocol/ids.js';

const COLUMNS: Record<BatchKind, { allowed: string[]; required: string[]; orderRef: boolean }> = {
  refund: {
    allowed: ['out_trade_no', 'transaction_id', 'out_refund_no', 'amount', 'total', 'reason'],
    required: ['out_refund_no', 'amount', 'total'],
    orderRef: true,
  },
  query: { allowed: ['out_trade_no', 'transaction_id'], required: [], orderRef: true },
  // Closing is by out_trade_no only (docs/protocol.md §5).
  close: { allowed: ['out_trade_no'], required: ['out_trade_no'], orderRef: false },
  transfer: { ...TRANSFER_COLUMNS, orderRef: false },
};

export const columnsFor = (kind: BatchKind): readonly string[] => COLUMNS[kind].allowed;

function headerProblems(kind: BatchKind, header: string[]): string[] {
  const c = COLUMNS[kind];
  const problems: string[] = [];
  const seen = new Set<string>();
  const allowed = new Set(c.allowed);
  for (const h of header) {
    if (h === '') problems.push('an empty column name');
    else if (seen.has(h)) problems.push(`column "${h}" appears twice`);
    else if (!allowed.has(h)) problems.push(`unknown column "${h}" (allowed: ${[...allowed].join(', ')})`);
    seen.add(h);
  }
  for (const r of c.required) if (!seen.has(r)) problems.push(`missing column "${r}"`);
  if (c.orderRef && !seen.has('out_trade_no') && !seen.has('transaction_id'))
    problems.push('missing column "out_trade_no" or "transaction_id"');
  return problems;
}

function fen(name: string, value: string, problems: string[]): number | undefined {
  if (/^\d+$/.test(value)) {
    const n = Number(value);
    if (n > 0 && Number.isSafeInteger(n)) return n;
    problems.push(`${name} must be greater than 0, got ${value}`);
    return undefined;
  }
  if (value === '') problems.push(`${name} is empty`);
  else if (/^-/.test(value)) problems.push(`${name} must not be negative, got ${value}`);
  else if (/^\d*\.\d+$/.test(value))
    problems.push(
      `${name} must be whole fen (分), got ${value}: ${value} yuan is ${Math.round(Number(value) * 100)} fen`,
    );
  else problems.push(`${name} must be a whole number of fen, got "${value}"`);
  return undefined;
}

/** Validates a parsed table for one kind of batch; returns the rows, or every problem found. */
export function validateRows(
  kind: BatchKind,
  table: CsvTable,
  headerLine = 1,
): { rows: BatchRow[] } | { problems: CsvProblem[] } {
  const header = headerProblems(kind, table.header);
  if (header.length)
    return { problems: header.map((message) => ({ line: headerLine, message: `header: ${message}` })) };
  if (!table.records.length) return { problems: [{ line: headerLine, message: 'no rows after the header' }] };
  const problems: CsvProblem[] = [];
  const rows: BatchRow[] = [];
  const firstLine = new Map<string, number>();
  const orders = new Map<string, { total: number; sum: number; line: number }>();
  for (const rec of table.records) {
    const p: string[] = [];
    if (rec.fields.length !== table.header.length)
      p.push(`has ${rec.fields.length} fields, the header has ${table.header.length}`);
    const get = (col: string) => rec.fields[table.header.indexOf(col)] ?? '';
    if (kind === 'transfer') {
      const row: BatchRow = { line: rec.line, ...transferFields(get, p, fen) };
      duplicate(row.key, 'out_bill_no', rec.line, firstLine, p);
      for (const message of p) problems.push({ line: rec.line, message });
      rows.push(row);
      continue;
    }
    const outTradeNo = get('out_trade_no');
    const transactionId = COLUMNS[kind].orderRef ? get('transaction_id') : '';
    if (outTradeNo && transactionId) p.push('give out_trade_no or transaction_id, not both');
    else if (!outTradeNo && !transactionId)
      p.push(kind === 'close' ? 'out_trade_no is empty' : 'needs out_trade_no or transaction_id');
    if (outTradeNo && !isOutTradeNo(outTradeNo))
      p.push(`out_trade_no "${outTradeNo}" must be 6-32 of 0-9 A-Z a-z _ - | *`);
    if (transactionId && !TRANSACTION_ID.test(transactionId))
      p.push(`transaction_id "${transactionId}" must be 1-32 letters or digits`);
    const row: BatchRow = {
      line: rec.line,
      key: '',
      ...(outTradeNo ? { outTradeNo } : {}),
      ...(transactionId ? { transactionId } : {}),
    };
    if (kind === 'refund') {
      const outRefundNo = get('out_refund_no');
      if (!isOutRefundNo(outRefundNo))
        p.push(
          outRefundNo
            ? `out_refund_no "${outRefundNo}" must be 1-64 of 0-9 A-Z a-z _ - | * @`
            : 'out_refund_no is empty',
        );
      const amount = fen('amount', get('amount'), p);
      const total = fen('total', get('total'), p);
      if (amount !== undefined && total !== undefined && amount > total)
        p.push(`amount ${amount} is more than total ${total}`);
      const reason = get('reason');
      if ([...reason].length > 80) p.push('reason is longer than 80 characters');
      Object.assign(row, {
        key: outRefundNo,
        outRefundNo,
        ...(amount !== undefined ? { amount } : {}),
        ...(total !== undefined ? { total } : {}),
        ...(reason ? { reason } : {}),
      });
      const order = transactionId ? `transaction_id ${transactionId}` : `out_trade_no ${outTradeNo}`;
      if (amount !== undefined && total !== undefined && (outTradeNo || transactionId)) {
        const o = orders.get(order);
        if (!o) orders.set(order, { total, sum: amount, line: rec.line });
        else if (o.total !== total)
          p.push(`total ${total} differs from ${o.total} on line ${o.line} for the same ${order}`);
        else if ((o.sum += amount) > total)
          p.push(`refunds for ${order} add up to ${o.sum}, more than its total ${total}`);
      }
    } else {
      row.key = transactionId ? `transaction_id:${transactionId}` : `out_trade_no:${outTradeNo}`;
    }
    const dupName = kind === 'refund' ? 'out_refund_no' : transactionId ? 'transaction_id' : 'out_trade_no';
    duplicate(row.key, dupName, rec.line, firstLine, p);
    for (const message of p) problems.push({ line: rec.line, message });
    rows.push(row);
  }
  return problems.length ? { problems } : { rows };
}

/** A key seen on an earlier line is a problem: each row must name its own refund, order or bill. */
function duplicate(key: string, name: string, line: number, firstLine: Map<string, number>, p: string[]): void {
  if (!key || key.endsWith(':')) return;
  const first = firstLine.get(key);
  if (first !== undefined) p.push(`duplicate ${name} ${key.replace(/^[a-z_]+:/, '')} (first on line ${first})`);
  else firstLine.set(key, line);
}
