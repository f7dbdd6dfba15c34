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

type Get = (col: string) => string;
/** Per order (as named in the file): its total, the sum of its refunds so far, and the line that set the total. */
type OrderSums = Map<string, { total: number; sum: number; line: number }>;

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
  // Shared across records: duplicates and per-order refund sums span the whole file.
  const firstLine = new Map<string, number>();
  const orders: OrderSums = new Map();
  for (const rec of table.records) {
    const p: string[] = [];
    if (rec.fields.length !== table.header.length)
      p.push(`has ${rec.fields.length} fields, the header has ${table.header.length}`);
    const get: Get = (col) => rec.fields[table.header.indexOf(col)] ?? '';
    const row =
      kind === 'transfer'
        ? { line: rec.line, ...transferFields(get, p, fen) }
        : orderRow(kind, get, { line: rec.line, orders, p });
    duplicate(row.key, duplicateName(kind, row), rec.line, firstLine, p);
    for (const message of p) problems.push({ line: rec.line, message });
    rows.push(row);
  }
  return problems.length ? { problems } : { rows };
}

/** The column a duplicate key is reported under. */
function duplicateName(kind: BatchKind, row: BatchRow): string {
  if (kind === 'transfer') return 'out_bill_no';
  if (kind === 'refund') return 'out_refund_no';
  return row.transactionId ? 'transaction_id' : 'out_trade_no';
}

/** A refund, query or close row: the order reference, plus the refund columns for refunds. */
function orderRow(kind: BatchKind, get: Get, at: { line: number; orders: OrderSums; p: string[] }): BatchRow {
  const { outTradeNo, transactionId } = orderRef(kind, get, at.p);
  const row: BatchRow = {
    line: at.line,
    key: '',
    ...(outTradeNo ? { outTradeNo } : {}),
    ...(transactionId ? { transactionId } : {}),
  };
  if (kind !== 'refund') {
    row.key = transactionId ? `transaction_id:${transactionId}` : `out_trade_no:${outTradeNo}`;
    return row;
  }
  const refund = refundFields(get, at.p);
  // Object.assign keeps `key` in its place after `line`, so rows keep their field order.
  Object.assign(row, { key: refund.outRefundNo, ...refund });
  const { amount, total } = refund;
  if (amount !== undefined && total !== undefined && (outTradeNo || transactionId)) {
    const order = transactionId ? `transaction_id ${transactionId}` : `out_trade_no ${outTradeNo}`;
    addToOrder(at.orders, order, { amount, total, line: at.line }, at.p);
  }
  return row;
}

/** Exactly one order reference per row, each in its format; close batches know only out_trade_no. */
function orderRef(kind: BatchKind, get: Get, p: string[]): { outTradeNo: string; transactionId: string } {
  const outTradeNo = get('out_trade_no');
  const transactionId = COLUMNS[kind].orderRef ? get('transaction_id') : '';
  if (outTradeNo && transactionId) p.push('give out_trade_no or transaction_id, not both');
  else if (!outTradeNo && !transactionId)
    p.push(kind === 'close' ? 'out_trade_no is empty' : 'needs out_trade_no or transaction_id');
  if (outTradeNo && !isOutTradeNo(outTradeNo))
    p.push(`out_trade_no "${outTradeNo}" must be 6-32 of 0-9 A-Z a-z _ - | *`);
  if (transactionId && !TRANSACTION_ID.test(transactionId))
    p.push(`transaction_id "${transactionId}" must be 1-32 letters or digits`);
  return { outTradeNo, transactionId };
}

/** The refund columns: out_refund_no, integer-fen amount <= total, and a reason of at most 80 characters. */
function refundFields(
  get: Get,
  p: string[],
): { outRefundNo: string; amount?: number; total?: number; reason?: string } {
  const outRefundNo = get('out_refund_no');
  if (!isOutRefundNo(outRefundNo))
    p.push(
      outRefundNo ? `out_refund_no "${outRefundNo}" must be 1-64 of 0-9 A-Z a-z _ - | * @` : 'out_refund_no is empty',
    );
  const amount = fen('amount', get('amount'), p);
  const total = fen('total', get('total'), p);
  if (amount !== undefined && total !== undefined && amount > total)
    p.push(`amount ${amount} is more than total ${total}`);
  const reason = get('reason');
  // eslint-disable-next-line @typescript-eslint/no-misused-spread -- WeChat Pay counts code points, not UTF-16 units
  if ([...reason].length > 80) p.push('reason is longer than 80 characters');
  return {
    outRefundNo,
    ...(amount !== undefined ? { amount } : {}),
    ...(total !== undefined ? { total } : {}),
    ...(reason ? { reason } : {}),
  };
}

/** Refunds of one order must agree on its total, and together must not refund more than it. */
function addToOrder(
  orders: OrderSums,
  order: string,
  refund: { amount: number; total: number; line: number },
  p: string[],
): void {
  const { amount, total } = refund;
  const o = orders.get(order);
  if (!o) orders.set(order, { total, sum: amount, line: refund.line });
  else if (o.total !== total) p.push(`total ${total} differs from ${o.total} on line ${o.line} for the same ${order}`);
  else if ((o.sum += amount) > total) p.push(`refunds for ${order} add up to ${o.sum}, more than its total ${total}`);
}

/** A key seen on an earlier line is a problem: each row must name its own refund, order or bill. */
function duplicate(key: string, name: string, line: number, firstLine: Map<string, number>, p: string[]): void {
  if (!key || key.endsWith(':')) return;
  const first = firstLine.get(key);
  if (first !== undefined) p.push(`duplicate ${name} ${key.replace(/^[a-z_]+:/, '')} (first on line ${first})`);
  else firstLine.set(key, line);
}
