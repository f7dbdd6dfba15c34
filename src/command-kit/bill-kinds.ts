// Which bill a `wxpay bill …` or `wxpay profitsharing bill` run applies for, and how it names it in messages. The
// download, hash check and conversion after the apply are the same for every kind (bill-run.ts).
import { applyFundFlowBill, applyProfitSharingBill, applyTradeBill, type BillApply } from '../api/bills.js';
import type { WxpayClient } from '../http/client.js';
import type { FundAccountType, TradeBillType } from '../bills/layout.js';

export type BillKindName = 'trade' | 'fundflow' | 'profitsharing';

interface BillChoice {
  type?: TradeBillType;
  account?: FundAccountType;
  subMchid?: string | undefined;
  gzip?: boolean | undefined;
}

export function describeBill(kind: BillKindName, opts: BillChoice, date: string): string {
  if (kind === 'trade') return `trade bill ${date} (${opts.type ?? 'ALL'})`;
  if (kind === 'fundflow') return `fund-flow bill ${date} (${opts.account ?? 'BASIC'})`;
  return `profit-sharing bill ${date}`;
}

export function applyBill(client: WxpayClient, kind: BillKindName, opts: BillChoice, date: string): Promise<BillApply> {
  const gzip = Boolean(opts.gzip);
  const sub = opts.subMchid ? { subMchid: opts.subMchid } : {};
  if (kind === 'trade') return applyTradeBill(client, { billDate: date, billType: opts.type ?? 'ALL', gzip, ...sub });
  if (kind === 'fundflow')
    return applyFundFlowBill(client, { billDate: date, accountType: opts.account ?? 'BASIC', gzip });
  return applyProfitSharingBill(client, { billDate: date, gzip, ...sub });
}
