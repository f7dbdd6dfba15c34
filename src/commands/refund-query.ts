// `wxpay refund query <out_refund_no>`: a refund's status and amounts (docs/protocol.md §5), or the object with --json.
import { queryRefund, type Refund } from '../api/refunds.js';
import { WxpayError } from '../protocol/errors.js';
import type { CommandContext } from '../runtime.js';
import type { RefundQueryOptions } from '../cli/refund.js';
import { formatYuan } from '../command-kit/amount.js';
import { withClient } from '../command-kit/client-context.js';
import { outputFor } from '../command-kit/shared.js';

export function refundRows(r: Refund): Array<[string, string]> {
  const rows: Array<[string, string]> = [
    ['status', r.status],
    ['out_refund_no', r.out_refund_no],
  ];
  if (r.refund_id) rows.push(['refund_id', r.refund_id]);
  if (r.out_trade_no) rows.push(['out_trade_no', r.out_trade_no]);
  if (r.transaction_id) rows.push(['transaction_id', r.transaction_id]);
  if (r.amount?.refund !== undefined)
    rows.push([
      'refund',
      `${r.amount.refund} fen (${formatYuan(r.amount.refund)} ${r.amount.currency ?? 'CNY'}) of ${r.amount.total ?? '?'} fen`,
    ]);
  if (r.user_received_account) rows.push(['account', r.user_received_account]);
  if (r.create_time) rows.push(['create_time', r.create_time]);
  if (r.success_time) rows.push(['success_time', r.success_time]);
  return rows;
}

export async function run(ctx: CommandContext<RefundQueryOptions>): Promise<void> {
  const outRefundNo = ctx.args[0] as string | undefined;
  if (!outRefundNo)
    throw new WxpayError('USAGE', 'Which refund? Give its out_refund_no', { hint: 'e.g. wxpay refund query R001' });
  const r = await withClient(ctx, ({ client }) => queryRefund(client, outRefundNo, ctx.opts.subMchid));
  const out = outputFor(ctx);
  if (out.json) return out.data(r);
  out.table(refundRows(r));
}
