// `wxpay transfer query <out_bill_no> | --transfer-bill-no <no>`: a merchant transfer's state (docs/protocol.md §12),
// or the whole object with --json.
import { queryTransfer } from '../api/transfers.js';
import { WxpayError } from '../protocol/errors.js';
import type { CommandContext } from '../runtime.js';
import type { TransferQueryOptions } from '../cli/transfer.js';
import { withClient } from '../command-kit/client-context.js';
import { outputFor } from '../command-kit/shared.js';
import { transferRows } from '../command-kit/transfer-view.js';

export async function run(ctx: CommandContext<TransferQueryOptions>): Promise<void> {
  const outBillNo = ctx.args[0] as string | undefined;
  if (Boolean(outBillNo) === Boolean(ctx.opts.transferBillNo))
    throw new WxpayError('USAGE', 'Give exactly one of <out_bill_no> and --transfer-bill-no', {
      hint: 'e.g. wxpay transfer query TB20260101001',
    });
  const ref = outBillNo ? { outBillNo } : { transferBillNo: ctx.opts.transferBillNo! };
  const t = await withClient(ctx, ({ client }) => queryTransfer(client, ref));
  const out = outputFor(ctx);
  if (out.json) {
    out.data(t);
    return;
  }
  out.table(transferRows(t));
}
