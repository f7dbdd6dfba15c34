// `wxpay transfer query <out_bill_no> | --transfer-bill-no <no>`: a merchant transfer's state (docs/protocol.md §12),
// or the whole object with --json.
import { queryTransfer, type TransferBill } from '../api/transfers.js';
import { WxpayError } from '../protocol/errors.js';
import type { CommandContext } from '../runtime.js';
import { formatYuan } from '../command-kit/amount.js';
import { withClient } from '../command-kit/client-context.js';
import { outputFor } from '../command-kit/shared.js';

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

export async function run(ctx: CommandContext<{ transferBillNo?: string }>): Promise<void> {
  const outBillNo = ctx.args[0] as string | undefined;
  if (Boolean(outBillNo) === Boolean(ctx.opts.transferBillNo))
    throw new WxpayError('USAGE', 'Give exactly one of <out_bill_no> and --transfer-bill-no', {
      hint: 'e.g. wxpay transfer query TB20260101001',
    });
  const ref = outBillNo ? { outBillNo } : { transferBillNo: ctx.opts.transferBillNo! };
  const t = await withClient(ctx, ({ client }) => queryTransfer(client, ref));
  const out = outputFor(ctx);
  if (out.json) return out.data(t);
  out.table(transferRows(t));
}
