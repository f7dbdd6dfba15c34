// The sandbox's bill files (docs/protocol.md §5): trade bills (ALL / SUCCESS / REFUND) and fund-flow bills in the
// real column layouts (bills/layout.ts), every field behind a backtick, CSV-quoted when it holds a comma,
// fund-bill line breaks written as \r and \n, and the summary block computed while the rows are written.
// The file is produced as a generator of ~64 KB chunks: the same events always give the same bytes, so the
// SHA1 taken at apply time matches the download, and a seeded million-row bill streams in constant memory.
import { createHash } from 'node:crypto';
import { pipeline, Readable } from 'node:stream';
import { createGzip, constants as zlib } from 'node:zlib';
import {
  FUND_COLUMNS,
  FUND_SUMMARY_COLUMNS,
  TRADE_COLUMNS,
  TRADE_SUMMARY_COLUMNS,
  type TradeBillType,
} from '../bills/layout.js';
import { syntheticEvent, type PaymentEvent, type RefundEvent } from './bill-source.js';
import { FEE_RATE, fee5, feeFen, tick, tickLine, yuan, type BillSpec, type Totals } from './bill-cells.js';
import { fundRows } from './fund-bill.js';
import { splitBillChunks } from './profitsharing-bill.js';
import { chinaDateTime } from '../protocol/china-time.js';

export { FEE_RATE, feeFen, type BillSpec } from './bill-cells.js';

const CHUNK = 64 * 1024;

/** chinaDateTime with the last answer kept: a seeded bill has about a dozen rows in each second. */
let lastTime = Number.NaN;
let lastText = '';
const dateTime = (ms: number): string =>
  ms === lastTime ? lastText : ((lastTime = ms), (lastText = chinaDateTime(ms)));

function tradeRow(type: TradeBillType, p: PaymentEvent, r: RefundEvent | undefined, t: Totals): string {
  const refunded = r && r.status === 'SUCCESS' ? r.refund : 0;
  const settle = r ? 0 : p.total;
  const fee = r ? 0 : feeFen(p.total);
  const order = r ? 0 : p.total;
  const applied = r ? r.refund : 0;
  t.n++;
  t.settle += settle;
  t.refund += refunded;
  t.fee += fee;
  t.order += order;
  t.applied += applied;
  const time = type === 'REFUND' ? p.time : (r?.time ?? p.time);
  const head = [
    dateTime(time),
    p.appid,
    p.mchid,
    p.subMchid,
    '',
    p.transactionId,
    p.outTradeNo,
    p.openid,
    p.tradeType,
    r ? 'REFUND' : 'SUCCESS',
    'OTHERS',
    p.currency,
    yuan(settle),
    '0.00',
  ];
  const refundCols = r
    ? [r.refundId, r.outRefundNo, yuan(refunded), '0.00', 'ORIGINAL', r.status]
    : ['0', '0', '0.00', '0.00', '', ''];
  const tail = [p.description, p.attach, fee5(fee), FEE_RATE, yuan(order)];
  const values =
    type === 'SUCCESS'
      ? [...head, ...tail, '']
      : type === 'REFUND'
        ? [
            ...head,
            chinaDateTime(r!.time),
            r!.successTime !== undefined ? chinaDateTime(r!.successTime) : '',
            ...refundCols,
            ...tail,
            yuan(applied),
            '',
          ]
        : [...head, ...refundCols, ...tail, yuan(applied), ''];
  return tickLine(values);
}

function* tradeRows(spec: BillSpec, t: Totals): Generator<string> {
  if (spec.kind === 'profitsharing') return (spec.splits ?? []).length > 0;
  const { payments, refunds, synthetic } = spec.events;
  const type = spec.tradeType;
  const real: Array<[number, PaymentEvent, RefundEvent | undefined]> = [
    ...(type !== 'REFUND' ? payments.map((p) => [p.time, p, undefined] as [number, PaymentEvent, undefined]) : []),
    ...(type !== 'SUCCESS' ? refunds.map((r) => [r.time, r.payment, r] as [number, PaymentEvent, RefundEvent]) : []),
  ];
  for (const [, p, r] of real.sort((a, b) => a[0] - b[0])) yield tradeRow(type, p, r, t);
  for (const b of synthetic) {
    for (let i = 0; i < b.count; i++) {
      const e = syntheticEvent(b, i);
      if (type !== 'REFUND') yield tradeRow(type, e.payment, undefined, t);
      if (type !== 'SUCCESS' && e.refund) yield tradeRow(type, e.payment, e.refund, t);
    }
  }
}

/** The whole file as text chunks (header, rows, summary block), CRLF line ends. */
export function* billChunks(spec: BillSpec): Generator<string> {
  if (spec.kind === 'profitsharing') {
    yield* splitBillChunks(spec.splits ?? []);
    return;
  }
  const t: Totals = { n: 0, settle: 0, refund: 0, fee: 0, order: 0, applied: 0, inN: 0, inFen: 0, outN: 0, outFen: 0 };
  const trade = spec.kind === 'trade';
  let buf = `${(trade ? TRADE_COLUMNS[spec.tradeType] : FUND_COLUMNS).join(',')}\r\n`;
  for (const line of trade ? tradeRows(spec, t) : fundRows(spec, t)) {
    buf += `${line}\r\n`;
    if (buf.length >= CHUNK) {
      yield buf;
      buf = '';
    }
  }
  const summary = trade
    ? spec.tradeType === 'SUCCESS'
      ? [String(t.n), yuan(t.settle), fee5(t.fee), yuan(t.order)]
      : [String(t.n), yuan(t.settle), yuan(t.refund), '0.00', fee5(t.fee), yuan(t.order), yuan(t.applied)]
    : [`${t.n}.0`, `${t.inN}.0`, yuan(t.inFen), `${t.outN}.0`, yuan(t.outFen)];
  const summaryHeader = trade ? TRADE_SUMMARY_COLUMNS[spec.tradeType] : FUND_SUMMARY_COLUMNS;
  yield `${buf}${summaryHeader.join(',')}\r\n${summary.map(tick).join(',')}\r\n`;
}

/** hash_value: SHA1 (hex) of the uncompressed file, computed by generating it once. */
export function billSha1(spec: BillSpec): string {
  const h = createHash('sha1');
  for (const c of billChunks(spec)) h.update(c);
  return h.digest('hex');
}

/** Does the bill have any detail row? A day without any is NO_STATEMENT_EXIST. */
export function billHasRows(spec: BillSpec): boolean {
  if (spec.kind === 'profitsharing') return (spec.splits ?? []).length > 0;
  const { payments, refunds, synthetic } = spec.events;
  const seeded = (refundsOnly: boolean) =>
    synthetic.some((b) => (refundsOnly ? b.refundEvery > 0 && b.count >= b.refundEvery : b.count > 0));
  if (spec.kind === 'fundflow')
    return (
      spec.account === 'BASIC' && (payments.length > 0 || refunds.some((r) => r.status === 'SUCCESS') || seeded(false))
    );
  if (spec.tradeType === 'SUCCESS') return payments.length > 0 || seeded(false);
  if (spec.tradeType === 'REFUND') return refunds.length > 0 || seeded(true);
  return payments.length > 0 || refunds.length > 0 || seeded(false);
}

/** The download body; `corrupt` changes one digit of the first detail row (the bill-hash fault). */
export function billStream(spec: BillSpec, opts: { gzip: boolean; corrupt?: boolean }): Readable {
  let first = Boolean(opts.corrupt);
  const chunks = (function* () {
    for (const c of billChunks(spec)) {
      if (!first) {
        yield Buffer.from(c);
        continue;
      }
      first = false;
      const i = c.slice(c.indexOf('\n')).search(/\d/) + c.indexOf('\n');
      yield Buffer.from(i > c.indexOf('\n') ? c.slice(0, i) + String((Number(c[i]) + 1) % 10) + c.slice(i + 1) : c);
    }
  })();
  const body = Readable.from(chunks, { objectMode: false });
  // Level 1: the sandbox should not be the bottleneck when a client's throughput is benchmarked.
  return opts.gzip ? pipeline(body, createGzip({ level: zlib.Z_BEST_SPEED }), () => undefined) : body;
}
