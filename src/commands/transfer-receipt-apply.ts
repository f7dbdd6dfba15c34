// `wxpay transfer receipt apply <out_bill_no>`: ask WeChat Pay for a finished transfer's electronic receipt
// (docs/protocol.md §12). The answer is GENERATING; `transfer receipt query` shows when it is FINISHED.
import { applyReceipt } from '../api/transfer-receipts.js';
import type { CommandContext } from '../runtime.js';
import { withClient } from '../command-kit/client-context.js';
import { outputFor } from '../command-kit/shared.js';
import { outBillNoArg, receiptRows } from '../command-kit/transfer-view.js';

export async function run(ctx: CommandContext): Promise<void> {
  const outBillNo = outBillNoArg(ctx, 'apply');
  const r = await withClient(ctx, ({ client }) => applyReceipt(client, outBillNo));
  const out = outputFor(ctx);
  if (out.json) return out.data(r);
  out.table(receiptRows(r));
}
