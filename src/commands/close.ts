// `wxpay close <out_trade_no>`: closes an unpaid order (docs/protocol.md §5; 204 with a signed empty body).
import { closeOrder, closeRequest } from '../api/transactions.js';
import { WxpayError } from '../protocol/errors.js';
import type { CommandContext } from '../runtime.js';
import type { CloseOptions } from '../cli/close.js';
import { printDryRun, withClient } from '../command-kit/client-context.js';
import { outputFor } from '../command-kit/shared.js';

export async function run(ctx: CommandContext<CloseOptions>): Promise<void> {
  const outTradeNo = ctx.args[0] as string | undefined;
  if (!outTradeNo)
    throw new WxpayError('USAGE', 'Which order? Give its out_trade_no', { hint: 'e.g. wxpay close ORDER001' });
  const partner = ctx.opts.subMchid ? { subMchid: ctx.opts.subMchid } : undefined;
  await withClient(ctx, async ({ client }) => {
    if (ctx.opts.dryRun) return printDryRun(ctx, client.preview(closeRequest(client, outTradeNo, partner)));
    await closeOrder(client, outTradeNo, partner);
    const out = outputFor(ctx);
    if (out.json) return out.data({ out_trade_no: outTradeNo, closed: true });
    out.line(`closed ${outTradeNo}`);
  });
}
