// `wxpay transfer cancel <out_bill_no>`: cancel a transfer the payee has not confirmed yet (docs/protocol.md §12).
// The answer is CANCELING; CANCELLED follows (query, or MCHTRANSFER.BILL.FINISHED). Confirms like transfer create.
import { cancelRequest, cancelTransfer } from '../api/transfers.js';
import { WxpayError } from '../protocol/errors.js';
import type { CommandContext } from '../runtime.js';
import type { TransferCancelOptions } from '../cli/transfer.js';
import { printDryRun, withClient } from '../command-kit/client-context.js';
import { confirmSend } from '../command-kit/confirm.js';
import { outputFor } from '../command-kit/shared.js';
import { transferRows } from '../command-kit/transfer-view.js';

export async function run(ctx: CommandContext<TransferCancelOptions>): Promise<void> {
  const outBillNo = ctx.args[0] as string | undefined;
  if (!outBillNo)
    throw new WxpayError('USAGE', 'Which transfer? Give its out_bill_no', { hint: 'e.g. wxpay transfer cancel TB001' });
  await withClient(ctx, async ({ client }) => {
    if (ctx.opts.dryRun) {
      printDryRun(ctx, client.preview(cancelRequest(outBillNo)));
      return;
    }
    if (!(await confirmSend(ctx, `Cancel transfer ${outBillNo}?`))) return;
    const t = await cancelTransfer(client, outBillNo);
    const out = outputFor(ctx);
    if (out.json) {
      out.data(t);
      return;
    }
    out.table(transferRows(t));
  });
}
