// `wxpay profitsharing amounts <transaction_id>`: the fen still frozen for splitting.
import { unsplitAmount } from '../api/profitsharing.js';
import { formatYuan } from '../command-kit/amount.js';
import { withClient } from '../command-kit/client-context.js';
import { transactionIdOf, usage } from '../command-kit/profitsharing.js';
import { outputFor } from '../command-kit/shared.js';
import type { CommandContext } from '../runtime.js';
import type { AmountsOptions } from '../cli/profitsharing.js';

export async function run(ctx: CommandContext<AmountsOptions>): Promise<void> {
  const transactionId = ctx.args[0] as string | undefined;
  if (!transactionId && !ctx.opts.outTradeNo)
    throw usage('Which order? Give its transaction_id, or --out-trade-no', 'e.g. wxpay profitsharing amounts 4200…');
  const a = await withClient(ctx, async ({ client }) =>
    unsplitAmount(client, await transactionIdOf(client, { ...ctx.opts, ...(transactionId ? { transactionId } : {}) })),
  );
  const out = outputFor(ctx);
  if (out.json) return out.data(a);
  out.table([
    ['transaction_id', a.transaction_id],
    ['unsplit_amount', `${a.unsplit_amount} fen (${formatYuan(a.unsplit_amount)} CNY)`],
  ]);
}
