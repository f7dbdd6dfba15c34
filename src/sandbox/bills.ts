// The sandbox's bill files (docs/protocol.md §5): trade bills (ALL / SUCCESS / REFUND) and fund-flow bills in the
// real column layouts (bills/layout.ts), every field behind a backtick, CSV-quoted when it holds a comma,
// fund-bill line breaks written as \r and \n, and the summary block computed while the rows are written.
// The file is produced as a generator of ~256 KB chunks of bytes (bill-buffer.ts): the same events always give the
// same bytes, so the SHA1 taken at apply time matches the download, and a seeded million-row bill streams in
// constant memory.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { FUND_COLUMNS, FUND_SUMMARY_COLUMNS, TRADE_COLUMNS, TRADE_SUMMARY_COLUMNS } from '../bills/layout.js';
import type { PaymentEvent, RefundEvent } from './bill-source.js';
import { BillBuffer, ChunkPool } from './bill-buffer.js';
import { gzipChunks } from './bill-gzip.js';
import { fee5, tick, yuan, type BillSpec, type Totals } from './bill-cells.js';
import { seededTradeRows } from './seeded-trade-rows.js';
import { tradeRow } from './trade-row.js';
import { fundRows } from './fund-bill.js';
import { splitBillChunks } from './profitsharing-bill.js';

export { FEE_RATE, feeFen, type BillSpec } from './bill-cells.js';

/** About 256 KB a chunk: fewer hand-offs to zlib and the stream machinery per MB. */
const CHUNK = 256 * 1024;

/** The detail rows in bill order (real events by time, then each seeded batch), yielding each buffer as it fills. */
function* tradeRows(spec: BillSpec, t: Totals, out: BillBuffer): Generator<Buffer> {
  const { payments, refunds, synthetic } = spec.events;
  const type = spec.tradeType;
  const real: Array<[number, PaymentEvent, RefundEvent | undefined]> = [
    ...(type !== 'REFUND' ? payments.map((p) => [p.time, p, undefined] as [number, PaymentEvent, undefined]) : []),
    ...(type !== 'SUCCESS' ? refunds.map((r) => [r.time, r.payment, r] as [number, PaymentEvent, RefundEvent]) : []),
  ];
  for (const [, p, r] of real.sort((a, b) => a[0] - b[0])) {
    const full = out.text(`${tradeRow(type, p, r, t)}\r\n`);
    if (full) yield full;
  }
  for (const b of synthetic) yield* seededTradeRows(b, type, t, out);
}

/** The whole file as chunks of UTF-8 (header, rows, summary block), CRLF line ends. */
export function* billChunks(spec: BillSpec, pool?: ChunkPool): Generator<Buffer> {
  if (spec.kind === 'profitsharing') {
    for (const c of splitBillChunks(spec.splits ?? [])) yield Buffer.from(c);
    return;
  }
  const t: Totals = { n: 0, settle: 0, refund: 0, fee: 0, order: 0, applied: 0, inN: 0, inFen: 0, outN: 0, outFen: 0 };
  const trade = spec.kind === 'trade';
  const out = new BillBuffer(pool ?? CHUNK);
  out.text(`${(trade ? TRADE_COLUMNS[spec.tradeType] : FUND_COLUMNS).join(',')}\r\n`);
  if (trade) yield* tradeRows(spec, t, out);
  else
    for (const line of fundRows(spec, t)) {
      const full = out.text(`${line}\r\n`);
      if (full) yield full;
    }
  const summary = trade
    ? spec.tradeType === 'SUCCESS'
      ? [String(t.n), yuan(t.settle), fee5(t.fee), yuan(t.order)]
      : [String(t.n), yuan(t.settle), yuan(t.refund), '0.00', fee5(t.fee), yuan(t.order), yuan(t.applied)]
    : [`${t.n}.0`, `${t.inN}.0`, yuan(t.inFen), `${t.outN}.0`, yuan(t.outFen)];
  const summaryHeader = trade ? TRADE_SUMMARY_COLUMNS[spec.tradeType] : FUND_SUMMARY_COLUMNS;
  const full = out.text(`${summaryHeader.join(',')}\r\n${summary.map(tick).join(',')}\r\n`);
  if (full) yield full;
  const last = out.take();
  if (last) yield last;
}

/** hash_value: SHA1 (hex) of the uncompressed file, computed by generating it once. */
export function billSha1(spec: BillSpec): string {
  const h = createHash('sha1');
  const pool = new ChunkPool(CHUNK);
  for (const c of billChunks(spec, pool)) {
    h.update(c);
    pool.give(c);
  }
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

/** One digit of the first detail row (the line after the header) changed: the bill-hash fault. */
function corruptFirstRow(chunk: Buffer): Buffer {
  const start = chunk.indexOf(0x0a);
  if (start < 0) return chunk;
  for (let i = start + 1; i < chunk.length; i++)
    if (chunk[i]! >= 0x30 && chunk[i]! <= 0x39) {
      chunk[i] = 0x30 + ((chunk[i]! - 0x30 + 1) % 10);
      break;
    }
  return chunk;
}

/** The download body; `corrupt` changes one digit of the first detail row (the bill-hash fault). */
export function billStream(spec: BillSpec, opts: { gzip: boolean; corrupt?: boolean }): Readable {
  let first = Boolean(opts.corrupt);
  const pool = new ChunkPool(CHUNK);
  const chunks = (function* () {
    for (const c of billChunks(spec, opts.gzip ? pool : undefined)) {
      yield first ? corruptFirstRow(c) : c;
      first = false;
    }
  })();
  return opts.gzip ? gzipChunks(chunks, pool) : Readable.from(chunks, { objectMode: false, highWaterMark: CHUNK });
}
