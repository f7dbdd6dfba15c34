// The three-way comparison of one order: its bill rows, the merchant's row and the callbacks the journal holds.
// Each difference is one finding; an order that agrees everywhere gives none.
import { unitsToYuan } from '../bills/amount.js';
import { refundEventFor } from '../journal/callbacks.js';
import type { CallbackRec, MineRec, PaymentRec, Rec, RefundRec } from './records.js';

export const CATEGORIES = [
  'missing_in_mine',
  'missing_in_bill',
  'amount_mismatch',
  'state_mismatch',
  'paid_without_callback',
  'refund_without_callback',
] as const;
export type Category = (typeof CATEGORIES)[number];

export interface Finding {
  category: Category;
  out_trade_no: string;
  out_refund_no?: string;
  /** What the bill says (yuan, or a state). */
  bill?: string;
  /** What the merchant's records say. */
  mine?: string;
  /** The bill row's time (China time, as in the bill). */
  time?: string;
}

/** Which sources take part: without --orders (or --journal) their categories are not checked. */
export interface Sources {
  mine: boolean;
  journal: boolean;
}

const yuan = (fen: string) => unitsToYuan(BigInt(fen), 2);
/** States in the merchant's records that say money moved, so the bill must show the order. */
const MOVED = new Set(['SUCCESS', 'REFUND']);

function mineFindings(key: string, pays: PaymentRec[], refunds: RefundRec[], mine: MineRec | undefined): Finding[] {
  const paid = pays[0];
  if (!mine)
    return paid ? [{ category: 'missing_in_mine', out_trade_no: key, bill: yuan(paid.fen), time: paid.time }] : [];
  if (!paid && !refunds.length)
    return mine.state === undefined || MOVED.has(mine.state)
      ? [
          {
            category: 'missing_in_bill',
            out_trade_no: key,
            ...(mine.fen === undefined ? {} : { mine: yuan(mine.fen) }),
          },
        ]
      : [];
  const out: Finding[] = [];
  if (paid && mine.fen !== undefined && BigInt(mine.fen) !== BigInt(paid.fen))
    out.push({
      category: 'amount_mismatch',
      out_trade_no: key,
      bill: yuan(paid.fen),
      mine: yuan(mine.fen),
      time: paid.time,
    });
  const billState = refunds.some((r) => r.status === 'SUCCESS') ? 'REFUND' : paid ? 'SUCCESS' : undefined;
  if (billState && mine.state !== undefined && mine.state !== billState)
    out.push({ category: 'state_mismatch', out_trade_no: key, bill: billState, mine: mine.state });
  return out;
}

function callbackFindings(key: string, pays: PaymentRec[], refunds: RefundRec[], calls: CallbackRec[]): Finding[] {
  const out: Finding[] = [];
  const paid = pays[0];
  if (paid && !calls.some((c) => c.eventType === 'TRANSACTION.SUCCESS'))
    out.push({ category: 'paid_without_callback', out_trade_no: key, bill: yuan(paid.fen), time: paid.time });
  for (const r of refunds) {
    const event = refundEventFor(r.status);
    if (event && !calls.some((c) => c.eventType === event && c.outRefundNo === r.outRefundNo))
      out.push({
        category: 'refund_without_callback',
        out_trade_no: key,
        out_refund_no: r.outRefundNo,
        bill: `${r.status} ${yuan(r.fen)}`,
        time: r.time,
      });
  }
  return out;
}

/** The findings for one order, from all its records (in any order). */
export function compareOrder(key: string, recs: readonly Rec[], sources: Sources): Finding[] {
  const pays = recs.filter((r): r is PaymentRec => r.type === 'P');
  const refunds = recs.filter((r): r is RefundRec => r.type === 'R');
  const mine = recs.find((r): r is MineRec => r.type === 'M');
  const calls = recs.filter((r): r is CallbackRec => r.type === 'J');
  return [
    ...(sources.mine ? mineFindings(key, pays, refunds, mine) : []),
    ...(sources.journal ? callbackFindings(key, pays, refunds, calls) : []),
  ];
}
