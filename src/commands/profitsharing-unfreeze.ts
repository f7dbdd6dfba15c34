// `wxpay profitsharing unfreeze`: release an order's whole unsplit amount to the merchant; no split is possible after.
import { unfreeze, unfreezeRequest, type UnfreezeInput } from '../api/profitsharing.js';
import { printDryRun, withClient } from '../command-kit/client-context.js';
import { confirmSend } from '../command-kit/confirm.js';
import { splitRows, transactionIdOf, usage } from '../command-kit/profitsharing.js';
import { outputFor } from '../command-kit/shared.js';
import type { CommandContext } from '../runtime.js';
import type { UnfreezeOptions } from '../cli/profitsharing.js';

export async function run(ctx: CommandContext<UnfreezeOptions>): Promise<void> {
  const { opts } = ctx;
  if (!opts.outOrderNo) throw usage('--out-order-no is required', 'Your own number for this unfreeze, e.g. U001.');
  if (opts.dryRun && opts.outTradeNo)
    throw usage(
      '--dry-run needs --transaction-id',
      '--out-trade-no is looked up with a query, and a dry run sends nothing.',
    );
  await withClient(ctx, async ({ client }) => {
    const input: UnfreezeInput = {
      transactionId: await transactionIdOf(client, opts),
      outOrderNo: opts.outOrderNo!,
      description: opts.description ?? '解冻全部剩余资金',
      subMchid: opts.subMchid,
    };
    if (opts.dryRun) {
      printDryRun(ctx, client.preview(unfreezeRequest(input)));
      return;
    }
    if (!(await confirmSend(ctx, `Unfreeze what is left of ${input.transactionId} as ${input.outOrderNo}?`))) return;
    const split = await unfreeze(client, input);
    const out = outputFor(ctx);
    if (out.json) {
      out.data(split);
      return;
    }
    out.table(splitRows(split));
  });
}
