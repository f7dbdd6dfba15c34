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

/** units / 10^digits as text ("12.34", "-0.05"): number math while exact (every real amount), BigInt beyond. */
function decimal(units: number, digits: number, scale: number): string {
  if (!Number.isSafeInteger(units)) return unitsToYuan(units, digits);
  const abs = Math.abs(units);
  return `${units < 0 ? '-' : ''}${Math.floor(abs / scale)}.${String(abs % scale).padStart(digits, '0')}`;
}
export const yuan = (fen: number) => decimal(fen, 2, 100);
export const fee5 = (fen: number) => decimal(fen * 1000, 5, 100_000);
export const tick = (v: string) => (/[",\r\n]/.test(v) ? `"\`${v.replace(/"/g, '""')}"` : `\`${v}`);
/** A whole line of ticked values, as values.map(tick).join(','): one test over the line for the characters that
 *  need quotes, then a comma search per value, as most lines need no quotes at all. */
export function tickLine(values: readonly string[]): string {
  const line = `\`${values.join(',`')}`;
  if (/["\r\n]/.test(line)) return values.map(tick).join(',');
  for (const v of values) if (v.includes(',')) return values.map(tick).join(',');
  return line;
}
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

/** Adds one trade row to the summary totals (fen): what it settled, refunded, cost in fees, ordered and applied to
 *  refund. Both row writers (trade-row.ts, seeded-trade-rows.ts) count through this one place. */
export function countTradeRow(
  t: Totals,
  settle: number,
  refund: number,
  fee: number,
  order: number,
  applied: number,
): void {
  t.n++;
  t.settle += settle;
  t.refund += refund;
  t.fee += fee;
  t.order += order;
  t.applied += applied;
}
