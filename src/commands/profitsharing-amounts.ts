// `wxpay profitsharing amounts <transaction_id>`: the fen still frozen for splitting.
import { unsplitAmount } from '../api/profitsharing.js';
import { formatYuan } from '../command-kit/amount.js';
import { withClient } from '../command-kit/client-context.js';
import { usage } from '../command-kit/profitsharing.js';
import { outputFor } from '../command-kit/shared.js';
import type { CommandContext } from '../runtime.js';

export async function run(ctx: CommandContext): Promise<void> {
  const transactionId = ctx.args[0] as string | undefined;
  if (!transactionId) throw usage('Which order? Give its transaction_id', 'e.g. wxpay profitsharing amounts 4200…');
  const a = await withClient(ctx, ({ client }) => unsplitAmount(client, transactionId));
  const out = outputFor(ctx);
  if (out.json) return out.data(a);
  out.table([
    ['transaction_id', a.transaction_id],
    ['unsplit_amount', `${a.unsplit_amount} fen (${formatYuan(a.unsplit_amount)} CNY)`],
  ]);
}
