// `wxpay transfer receipt download <out_bill_no> [--output file]`: query the receipt for a fresh download_url, stream
// the file into place and check its SHA256 against hash_value (docs/protocol.md §12); on a mismatch nothing is written.
import path from 'node:path';
import { downloadReceipt, queryReceipt } from '../api/transfer-receipts.js';
import type { CommandContext } from '../runtime.js';
import type { ReceiptDownloadOptions } from '../cli/transfer.js';
import { withClient } from '../command-kit/client-context.js';
import { outputFor } from '../command-kit/shared.js';
import { outBillNoArg } from '../command-kit/transfer-view.js';

export async function run(ctx: CommandContext<ReceiptDownloadOptions>): Promise<void> {
  const outBillNo = outBillNoArg(ctx, 'download');
  const target = path.resolve(ctx.rt.cwd, ctx.opts.output ?? `receipt_${outBillNo}.pdf`);
  const got = await withClient(ctx, async ({ client }) =>
    downloadReceipt(client, await queryReceipt(client, outBillNo), target),
  );
  const out = outputFor(ctx);
  if (out.json) {
    out.data({ outBillNo, file: got.target, bytes: got.bytes, sha256: got.hash, hashChecked: true });
    return;
  }
  out.table([
    ['file', got.target],
    ['bytes', String(got.bytes)],
    ['sha256', `${got.hash} (matches hash_value)`],
  ]);
}
