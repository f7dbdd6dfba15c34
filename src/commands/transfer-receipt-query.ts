// `wxpay transfer receipt query <out_bill_no>`: a receipt's state and, once FINISHED, its SHA256 (docs/protocol.md §12).
// download_url is not printed: it is a short-lived credential; `transfer receipt download` fetches it itself.
import { queryReceipt, type Receipt } from '../api/transfer-receipts.js';
import { WxpayError } from '../protocol/errors.js';
import type { CommandContext } from '../runtime.js';
import { withClient } from '../command-kit/client-context.js';
import { outputFor } from '../command-kit/shared.js';

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

export async function run(ctx: CommandContext): Promise<void> {
  const outBillNo = outBillNoArg(ctx, 'query');
  const r = await withClient(ctx, ({ client }) => queryReceipt(client, outBillNo));
  const out = outputFor(ctx);
  const { download_url: _url, ...shown } = r;
  if (out.json) return out.data(shown);
  out.table(receiptRows(r));
}
