// `wxpay profitsharing return query <out_return_no> --out-order-no <no>`: a return's result.
import { queryReturn } from '../api/profitsharing-receivers.js';
import { withClient } from '../command-kit/client-context.js';
import { returnRows, usage } from '../command-kit/profitsharing.js';
import { outputFor } from '../command-kit/shared.js';
import type { CommandContext } from '../runtime.js';
import type { ReturnQueryOptions } from '../cli/profitsharing.js';

export async function run(ctx: CommandContext<ReturnQueryOptions>): Promise<void> {
  const outReturnNo = ctx.args[0] as string | undefined;
  if (!outReturnNo)
    throw usage(
      'Which return? Give its out_return_no',
      'e.g. wxpay profitsharing return query RT001 --out-order-no P001',
    );
  if (!ctx.opts.outOrderNo) throw usage('--out-order-no is required', 'The split the return belongs to.');
  const r = await withClient(ctx, ({ client }) =>
    queryReturn(client, outReturnNo, ctx.opts.outOrderNo!, ctx.opts.subMchid),
  );
  const out = outputFor(ctx);
  if (out.json) return out.data(r);
  out.table(returnRows(r));
}
