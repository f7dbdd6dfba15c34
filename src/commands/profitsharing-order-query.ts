// `wxpay profitsharing order query <out_order_no> --transaction-id <id>`: a split's state and each receiver's result.
import { querySplit } from '../api/profitsharing.js';
import { withClient } from '../command-kit/client-context.js';
import { splitRows, usage } from '../command-kit/profitsharing.js';
import { outputFor } from '../command-kit/shared.js';
import type { CommandContext } from '../runtime.js';

export async function run(ctx: CommandContext<{ transactionId?: string; subMchid?: string }>): Promise<void> {
  const outOrderNo = ctx.args[0] as string | undefined;
  if (!outOrderNo)
    throw usage('Which split? Give its out_order_no', 'e.g. wxpay profitsharing order query P001 --transaction-id 42…');
  if (!ctx.opts.transactionId)
    throw usage('--transaction-id is required', 'WeChat Pay looks a split up by order and number.');
  const split = await withClient(ctx, ({ client }) =>
    querySplit(client, outOrderNo, ctx.opts.transactionId!, ctx.opts.subMchid),
  );
  const out = outputFor(ctx);
  if (out.json) return out.data(split);
  out.table(splitRows(split));
}
