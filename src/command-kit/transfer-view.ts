// What the transfer commands print (docs/protocol.md §12): a transfer's and a receipt's rows, and the out_bill_no
// argument they share. download_url is never among the rows: it is a short-lived credential.
import type { Receipt } from '../api/transfer-receipts.js';
import type { TransferBill } from '../api/transfers.js';
import { WxpayError } from '../protocol/errors.js';
import type { CommandContext } from '../runtime.js';
import { formatYuan } from './amount.js';

export function transferRows(t: TransferBill): Array<[string, string]> {
  const rows: Array<[string, string]> = [
    ['state', t.state],
    ['out_bill_no', t.out_bill_no],
  ];
  if (t.transfer_bill_no) rows.push(['transfer_bill_no', t.transfer_bill_no]);
  if (t.transfer_amount !== undefined)
    rows.push(['amount', `${t.transfer_amount} fen (${formatYuan(t.transfer_amount)} CNY)`]);
  if (typeof t.openid === 'string') rows.push(['openid', t.openid]);
  if (t.fail_reason) rows.push(['fail_reason', t.fail_reason]);
  if (t.create_time) rows.push(['create_time', t.create_time]);
  if (t.update_time) rows.push(['update_time', t.update_time]);
  return rows;
}

export function outBillNoArg(ctx: CommandContext, verb: string): string {
  const outBillNo = ctx.args[0] as string | undefined;
  if (!outBillNo)
    throw new WxpayError('USAGE', 'Which transfer? Give its out_bill_no', {
      hint: `e.g. wxpay transfer receipt ${verb} TB20260101001`,
    });
  return outBillNo;
}

export function receiptRows(r: Receipt): Array<[string, string]> {
  const rows: Array<[string, string]> = [['state', r.state]];
  if (r.hash_value) rows.push(['hash', `${r.hash_type ?? 'SHA256'} ${r.hash_value}`]);
  if (r.fail_reason) rows.push(['fail_reason', r.fail_reason]);
  if (r.create_time) rows.push(['create_time', r.create_time]);
  if (r.update_time) rows.push(['update_time', r.update_time]);
  return rows;
}
