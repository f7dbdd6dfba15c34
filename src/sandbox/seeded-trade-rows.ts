// A seeded batch's trade-bill rows written as bytes (issue 19): a million-row bill is the sandbox's load test, and
// joining 20-odd JS strings per row and UTF-8 encoding them was most of its cost. Every row of a batch shares its
// text but for the index digits, the amounts and the time, so that text is ticked and encoded once per batch
// (from the same SEED pieces and tick() that trade-row.ts's string path uses) and each row copies it between the
// numbers it writes. test/unit/sandbox-bill-bytes.test.ts holds the rows equal to the string path's.
import type { TradeBillType } from '../bills/layout.js';
import { BillBuffer, putBytes, putDecimal, putPadded } from './bill-buffer.js';
import { countTradeRow, FEE_RATE, feeFen, tick, type Totals } from './bill-cells.js';
import { batchDay, SEED, seedRefund, seedRefunded, seedTime, seedTotal, type SyntheticBatch } from './bill-source.js';

const TICK = 0x60;
const enc = (s: string): Buffer => Buffer.from(s, 'utf8');
const cells = (...values: string[]): string => values.map(tick).join(',');

/** The encoded text between a row's numbers (each piece named after what it ends with). */
interface Pieces {
  batch: SyntheticBatch;
  type: TradeBillType;
  appMch: Buffer;
  outTrade: Buffer;
  openid: Buffer;
  paidState: Buffer;
  refundState: Buffer;
  coupon: Buffer;
  noRefund: Buffer;
  refundId: Buffer;
  outRefund: Buffer;
  refundTail: Buffer;
  names: Map<string, Buffer>;
  till: Buffer;
  attachEnd: Buffer;
  rate: Buffer;
  next: Buffer;
  end: Buffer;
  /** An upper bound of a row's length. */
  max: number;
}

function seedPieces(batch: SyntheticBatch, type: TradeBillType): Pieces {
  const ymd = batchDay(batch).ymd;
  const state = (s: string) => enc(`${SEED.openid[1]},${cells(SEED.tradeType, s, 'OTHERS', SEED.currency)},\``);
  const pieces: Pieces = {
    batch,
    type,
    appMch: enc(`,${cells(batch.appid, batch.mchid, '', '')},\`${SEED.transactionPrefix}${ymd}`),
    outTrade: enc(`,\`${SEED.outTradePrefix}${ymd}`),
    openid: enc(`,\`${SEED.openid[0]}`),
    paidState: state('SUCCESS'),
    refundState: state('REFUND'),
    coupon: enc(`,${cells('0.00')}`),
    noRefund: enc(`,${cells('0', '0', '0.00', '0.00', '', '')}`),
    refundId: enc(`,\`${SEED.refundPrefix}${ymd}`),
    outRefund: enc(`,\`${SEED.outRefundPrefix}${ymd}`),
    refundTail: enc(`,${cells('0.00', 'ORIGINAL', 'SUCCESS')}`),
    names: new Map(),
    till: enc(SEED.attach[1]),
    attachEnd: enc(`${SEED.attach[2]},\``),
    rate: enc(`,${cells(FEE_RATE)},\``),
    next: enc(',`'),
    end: enc(',`\r\n'),
    max: 0,
  };
  // Every piece once, the longest name cell, and room for 3 dates, 3 ids and 5 amounts.
  const text = Object.values(pieces).reduce((n: number, v) => n + (Buffer.isBuffer(v) ? v.length : 0), 0);
  pieces.max = text + 4 * Math.max(...[0, 1, 2, 3, 4].map((i) => SEED.description(i).length)) + 256;
  return pieces;
}

/** The ticked product name cell and the attach's start: one of a few names, each encoded once. */
function nameCell(pc: Pieces, i: number): Buffer {
  const d = SEED.description(i);
  let cell = pc.names.get(d);
  if (!cell) pc.names.set(d, (cell = enc(`,${cells(d)},\`${SEED.attach[0]}`)));
  return cell;
}

/** Refund id, out_refund_no, amount and the fixed refund cells of refund row i. */
function putRefundCells(b: Buffer, p: number, pc: Pieces, i: number, back: number): number {
  p = putPadded(b, putBytes(b, p, pc.refundId), i, 11);
  p = putPadded(b, putBytes(b, p, pc.outRefund), i, 10);
  p = putDecimal(b, putBytes(b, p, pc.next), back, 2);
  return putBytes(b, p, pc.refundTail);
}

/** Row i of the batch: its payment, or (refund) its refund. Totals as trade-row.ts counts them. */
function putRow(out: BillBuffer, pc: Pieces, i: number, refund: boolean, t: Totals): void {
  const total = seedTotal(i);
  const paidAt = seedTime(pc.batch, i);
  const back = refund ? seedRefund(total) : 0;
  const settle = refund ? 0 : total;
  const fee = refund ? 0 : feeFen(total);
  countTradeRow(t, settle, back, fee, settle, back);
  const b = out.buf;
  let p = out.pos;
  b[p++] = TICK;
  p = out.dateTime(p, refund && pc.type !== 'REFUND' ? paidAt + 60_000 : paidAt);
  p = putPadded(b, putBytes(b, p, pc.appMch), i, 10);
  p = putPadded(b, putBytes(b, p, pc.outTrade), i, 10);
  p = putPadded(b, putBytes(b, p, pc.openid), i % 100_000, 5);
  p = putDecimal(b, putBytes(b, p, refund ? pc.refundState : pc.paidState), settle, 2);
  p = putBytes(b, p, pc.coupon);
  if (pc.type === 'REFUND') {
    p = out.dateTime(putBytes(b, p, pc.next), paidAt + 60_000);
    p = out.dateTime(putBytes(b, p, pc.next), paidAt + 61_000);
  }
  if (pc.type !== 'SUCCESS') p = refund ? putRefundCells(b, p, pc, i, back) : putBytes(b, p, pc.noRefund);
  p = putPadded(b, putBytes(b, p, nameCell(pc, i)), i % 1000, 4);
  p = putBytes(b, putPadded(b, putBytes(b, p, pc.till), i % 16, 2), pc.attachEnd);
  p = putBytes(b, putDecimal(b, p, fee * 1000, 5), pc.rate);
  p = putDecimal(b, p, settle, 2);
  if (pc.type !== 'SUCCESS') p = putDecimal(b, putBytes(b, p, pc.next), back, 2);
  out.pos = putBytes(b, p, pc.end);
}

/** Writes rows of one batch: `refund` for its refund row, else its payment row. Room for `max` bytes must be
 *  reserved first. */
export interface SeedRowWriter {
  max: number;
  put(out: BillBuffer, i: number, refund: boolean, t: Totals): void;
}

export function seedRowWriter(batch: SyntheticBatch, type: TradeBillType): SeedRowWriter {
  const pc = seedPieces(batch, type);
  return { max: pc.max, put: (out, i, refund, t) => putRow(out, pc, i, refund, t) };
}

/** The batch's rows in bill order (each payment, then its refund), yielding each buffer as it fills. */
export function* seededTradeRows(
  batch: SyntheticBatch,
  type: TradeBillType,
  t: Totals,
  out: BillBuffer,
): Generator<Buffer> {
  const pc = seedPieces(batch, type);
  for (let i = 0; i < batch.count; i++) {
    if (type !== 'REFUND') {
      const full = out.reserve(pc.max);
      if (full) yield full;
      putRow(out, pc, i, false, t);
    }
    if (type !== 'SUCCESS' && seedRefunded(batch, i)) {
      const full = out.reserve(pc.max);
      if (full) yield full;
      putRow(out, pc, i, true, t);
    }
  }
}
