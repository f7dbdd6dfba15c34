// `wxpay profitsharing unfreeze`: release an order's whole unsplit amount to the merchant; no split is possible after.
import { unfreeze, unfreezeRequest, type UnfreezeInput } from '../api/profitsharing.js';
import { printDryRun, withClient } from '../command-kit/client-context.js';
import { confirmSend } from '../command-kit/confirm.js';
import { splitRows, usage } from '../command-kit/profitsharing.js';
import { outputFor } from '../command-kit/shared.js';
import type { CommandContext } from '../runtime.js';

interface Options {
  transactionId?: string;
  outOrderNo?: string;
  description?: string;
  subMchid?: string;
  yes?: boolean;
  dryRun?: boolean;
}

export async function run(ctx: CommandContext<Options>): Promise<void> {
  const { opts } = ctx;
  if (!opts.transactionId || !opts.outOrderNo)
    throw usage('--transaction-id and --out-order-no are required', 'e.g. --transaction-id 42… --out-order-no U001');
  const input: UnfreezeInput = {
    transactionId: opts.transactionId,
    outOrderNo: opts.outOrderNo,
    description: opts.description ?? '解冻全部剩余资金',
    ...(opts.subMchid ? { subMchid: opts.subMchid } : {}),
  };
  await withClient(ctx, async ({ client }) => {
    if (opts.dryRun) return printDryRun(ctx, client.preview(unfreezeRequest(input)));
    if (!(await confirmSend(ctx, `Unfreeze what is left of ${input.transactionId} as ${input.outOrderNo}?`))) return;
    const split = await unfreeze(client, input);
    const out = outputFor(ctx);
    if (out.json) return out.data(split);
    out.table(splitRows(split));
  });
}
