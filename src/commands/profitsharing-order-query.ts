// `wxpay profitsharing order query <out_order_no>`: a split's state and each receiver's result. Splits are processed
// asynchronously: --wait <s> queries again (every second) until the split is FINISHED or the time is up.
import { querySplit, type SplitOrder } from '../api/profitsharing.js';
import { withClient } from '../command-kit/client-context.js';
import { splitRows, transactionIdOf, usage } from '../command-kit/profitsharing.js';
import { intOption, outputFor } from '../command-kit/shared.js';
import type { WxpayClient } from '../http/client.js';
import type { CommandContext } from '../runtime.js';
import type { SplitQueryOptions } from '../cli/profitsharing.js';

async function waitFinished(
  ctx: CommandContext<SplitQueryOptions>,
  ask: () => Promise<SplitOrder>,
): Promise<SplitOrder> {
  const until = ctx.rt.now() + (intOption(ctx.opts.wait, '--wait') ?? 0) * 1000;
  let split = await ask();
  while (split.state !== 'FINISHED' && ctx.rt.now() < until) {
    await new Promise((r) => setTimeout(r, 1000));
    split = await ask();
  }
  return split;
}

export async function run(ctx: CommandContext<SplitQueryOptions>): Promise<void> {
  const outOrderNo = ctx.args[0] as string | undefined;
  if (!outOrderNo)
    throw usage(
      'Which split? Give its out_order_no',
      'e.g. wxpay profitsharing order query P001 --out-trade-no ORDER001',
    );
  const split = await withClient(ctx, async ({ client }: { client: WxpayClient }) => {
    const tx = await transactionIdOf(client, ctx.opts);
    return waitFinished(ctx, () => querySplit(client, outOrderNo, tx, ctx.opts.subMchid));
  });
  const out = outputFor(ctx);
  if (out.json) return out.data(split);
  out.table(splitRows(split));
  if (split.state !== 'FINISHED') out.note('still PROCESSING: query again later (--wait <seconds> waits for it)');
}
