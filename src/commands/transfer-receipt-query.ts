// `wxpay transfer receipt query <out_bill_no>`: a receipt's state and, once FINISHED, its SHA256 (docs/protocol.md §12).
// download_url is not printed: it is a short-lived credential; `transfer receipt download` fetches it itself.
import { queryReceipt } from '../api/transfer-receipts.js';
import type { CommandContext } from '../runtime.js';
import { withClient } from '../command-kit/client-context.js';
import { outputFor } from '../command-kit/shared.js';
import { outBillNoArg, receiptRows } from '../command-kit/transfer-view.js';

export async function run(ctx: CommandContext): Promise<void> {
  const outBillNo = outBillNoArg(ctx, 'query');
  const r = await withClient(ctx, ({ client }) => queryReceipt(client, outBillNo));
  const out = outputFor(ctx);
  const { download_url: _url, ...shown } = r;
  if (out.json) return out.data(shown);
  out.table(receiptRows(r));
}
