// `--map out_trade_no=order_id,amount=total_fen,state=status`: which of the merchant's columns (CSV header names,
// or NDJSON keys, dotted for nested ones) hold the order number, the amount and the state. `amount=` is in fen
// (integer, like the API); `amount_yuan=` is in yuan with up to 2 decimals (like the bill). Unmapped: the columns
// named out_trade_no, amount (fen) and state, when present.
import { yuanToFen } from '../bills/amount.js';
import { WxpayError } from '../protocol/errors.js';

export interface MineMap {
  outTradeNo: string;
  amount?: { column: string; unit: 'fen' | 'yuan' } | undefined;
  state?: string | undefined;
}

const TARGETS = ['out_trade_no', 'amount', 'amount_yuan', 'state'];

const usage = (message: string) =>
  new WxpayError('USAGE', message, {
    hint: 'e.g. --map out_trade_no=order_id,amount=total_fen,state=status (amount_yuan=<column> for yuan)',
  });

/** Parses --map; `present` tells whether a column exists (CSV header), for the defaults. */
export function parseMineMap(spec: string | undefined, present: (column: string) => boolean): MineMap {
  const pairs = new Map<string, string>();
  for (const part of (spec ?? '').split(',').filter((p) => p.trim())) {
    const eq = part.indexOf('=');
    const target = part.slice(0, eq).trim();
    const column = part.slice(eq + 1).trim();
    if (eq < 0 || !TARGETS.includes(target) || !column)
      throw usage(`--map "${part}" is not one of ${TARGETS.map((t) => `${t}=<column>`).join(', ')}`);
    pairs.set(target, column);
  }
  if (pairs.has('amount') && pairs.has('amount_yuan'))
    throw usage('--map takes amount= (fen) or amount_yuan=, not both');
  const yuan = pairs.get('amount_yuan');
  const fen = pairs.get('amount') ?? (yuan === undefined && present('amount') ? 'amount' : undefined);
  const state = pairs.get('state') ?? (present('state') ? 'state' : undefined);
  return {
    outTradeNo: pairs.get('out_trade_no') ?? 'out_trade_no',
    amount:
      yuan !== undefined
        ? { column: yuan, unit: 'yuan' }
        : fen !== undefined
          ? { column: fen, unit: 'fen' }
          : undefined,
    state,
  };
}

/** The merchant's amount as fen text; a usage error names the line for anything else. */
export function mineFen(value: string, unit: 'fen' | 'yuan', line: number): string {
  const v = value.trim();
  if (unit === 'fen' && /^-?\d{1,15}$/.test(v)) return BigInt(v).toString();
  if (unit === 'yuan' && v.length <= 20)
    try {
      return yuanToFen(v).toString();
    } catch {
      /* reported below */
    }
  throw new WxpayError('USAGE', `--orders line ${line}: "${v.slice(0, 40)}" is not an amount in ${unit}`, {
    hint: unit === 'fen' ? 'amount= expects whole fen (100 = 1.00 CNY); use amount_yuan= for 1.00.' : 'e.g. 12.34',
  });
}

/** Paid / refunded under the names merchants use; anything else is compared as written (upper-cased). */
export function mineState(value: string): string {
  const s = value.trim().toUpperCase();
  return s === 'PAID' ? 'SUCCESS' : s === 'REFUNDED' ? 'REFUND' : s;
}
