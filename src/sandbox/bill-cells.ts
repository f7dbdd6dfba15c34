// The cells of the sandbox's bills: the spec a bill is made from, the fee rule, amounts in yuan, the backtick
// quoting every field gets, and the running totals the summary block is computed from.
import { unitsToYuan } from '../bills/amount.js';
import type { BillKind, FundAccountType, TradeBillType } from '../bills/layout.js';
import type { DayEvents } from './bill-source.js';
import type { SplitBillRow } from './profitsharing-bill.js';

export interface BillSpec {
  kind: BillKind;
  tradeType: TradeBillType;
  account: FundAccountType;
  events: DayEvents;
  /** kind profitsharing: the day's split lines and returns. */
  splits?: SplitBillRow[];
}

/** The fee the sandbox charges: 0.60% of the payment, rounded to the fen (refunds return no fee). */
export const FEE_RATE = '0.60%';
export const feeFen = (totalFen: number): number => Math.floor((totalFen * 6 + 500) / 1000);

export const yuan = (fen: number) => unitsToYuan(fen, 2);
export const fee5 = (fen: number) => unitsToYuan(fen * 1000, 5);
export const tick = (v: string) => (/[",\r\n]/.test(v) ? `"\`${v.replace(/"/g, '""')}"` : `\`${v}`);
export const fundValue = (v: string) => tick(v.replace(/\r/g, '\\r').replace(/\n/g, '\\n'));

export interface Totals {
  n: number;
  settle: number;
  refund: number;
  fee: number;
  order: number;
  applied: number;
  inN: number;
  inFen: number;
  outN: number;
  outFen: number;
}
