// The sandbox's profit-sharing bill (docs/protocol.md §15): one row per split line or return that succeeded on a
// China-time day, for one merchant, in bills/layout.ts's columns, every field behind a backtick, amounts in yuan, and
// a summary block of counts and sums. The unfrozen rest released to the merchant itself is a split line too.
import { unitsToYuan } from '../bills/amount.js';
import { PROFITSHARING_COLUMNS, PROFITSHARING_SUMMARY_COLUMNS } from '../bills/layout.js';
import { chinaDate, chinaDateTime } from '../protocol/china-time.js';
import type { SandboxContext } from './context.js';

export interface SplitBillRow {
  time: number;
  mchid: string;
  transactionId: string;
  orderId: string;
  outOrderNo: string;
  kind: '分账' | '回退';
  receiverType: string;
  account: string;
  /** fen */
  amount: number;
  description: string;
}

/** The day's successful split lines and returns of one merchant (and, for a partner, optionally one sub-merchant). */
export function splitBillRows(
  ctx: SandboxContext,
  date: string,
  mchid: string,
  sub: string | undefined,
): SplitBillRow[] {
  const ps = ctx.state.profitSharing;
  const mine = (r: { mchid: string; subMchid?: string }) =>
    r.mchid === mchid && (sub === undefined || r.subMchid === sub);
  const rows: SplitBillRow[] = [];
  for (const s of ps.splits.values()) {
    if (!mine(s)) continue;
    for (const l of s.lines)
      if (l.result === 'SUCCESS' && l.finishTime !== undefined && chinaDate(l.finishTime) === date)
        rows.push({
          time: l.finishTime,
          mchid: s.mchid,
          transactionId: s.transactionId,
          orderId: s.orderId,
          outOrderNo: s.outOrderNo,
          kind: '分账',
          receiverType: l.type,
          account: l.account,
          amount: l.amount,
          description: l.description,
        });
  }
  for (const r of ps.returns.values()) {
    if (!mine(r) || r.result !== 'SUCCESS' || r.finishTime === undefined || chinaDate(r.finishTime) !== date) continue;
    const split = ps.splits.get(r.splitKey);
    rows.push({
      time: r.finishTime,
      mchid: r.mchid,
      transactionId: split?.transactionId ?? '',
      orderId: r.returnId,
      outOrderNo: r.outReturnNo,
      kind: '回退',
      receiverType: 'MERCHANT_ID',
      account: r.returnMchid,
      amount: r.amount,
      description: r.description,
    });
  }
  return rows.sort((a, b) => a.time - b.time || a.orderId.localeCompare(b.orderId));
}

const tick = (v: string) => (/[",\r\n]/.test(v) ? `"\`${v.replace(/"/g, '""')}"` : `\`${v}`);
const yuan = (fen: number) => unitsToYuan(fen, 2);

/** The whole file, CRLF line ends: header, rows, summary header, summary row. */
export function* splitBillChunks(rows: readonly SplitBillRow[]): Generator<string> {
  let out = `${PROFITSHARING_COLUMNS.join(',')}\r\n`;
  const sums = { split: [0, 0], back: [0, 0] };
  for (const r of rows) {
    const fields = [
      chinaDateTime(r.time),
      r.mchid,
      r.transactionId,
      r.orderId,
      r.outOrderNo,
      r.kind,
      r.receiverType,
      r.account,
      yuan(r.amount),
      r.description,
    ];
    out += `${fields.map(tick).join(',')}\r\n`;
    const s = r.kind === '分账' ? sums.split : sums.back;
    s[0]! += 1;
    s[1]! += r.amount;
  }
  const summary = [String(sums.split[0]), yuan(sums.split[1]!), String(sums.back[0]), yuan(sums.back[1]!)];
  yield `${out}${PROFITSHARING_SUMMARY_COLUMNS.join(',')}\r\n${summary.map(tick).join(',')}\r\n`;
}
