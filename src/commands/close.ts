// `wxpay close <out_trade_no>`: closes an unpaid order (docs/protocol.md §5; 204 with a signed empty body).
import { closeCombine } from '../api/combine.js';
import { closeOrder, closeRequest } from '../api/transactions.js';
import { WxpayError } from '../protocol/errors.js';
import type { CommandContext } from '../runtime.js';
import type { CloseOptions } from '../cli/close.js';
import { printDryRun, withClient } from '../command-kit/client-context.js';
import { outputFor } from '../command-kit/shared.js';

/** `close --combine`: queries the combine order for its sub-orders, then closes them all in one request. */
async function runCombine(ctx: CommandContext<CloseOptions>, combineOutTradeNo: string): Promise<void> {
  if (ctx.args[0] || ctx.opts.dryRun)
    throw new WxpayError('USAGE', 'Give --combine alone (no out_trade_no, no --dry-run)', {
      hint: 'e.g. wxpay close --combine C20260101001',
    });
  const order = await withClient(ctx, ({ client }) => closeCombine(client, combineOutTradeNo));
  const out = outputFor(ctx);
  const subs = order.sub_orders.map((s) => s.out_trade_no);
  if (out.json) return out.data({ combine_out_trade_no: combineOutTradeNo, sub_orders: subs, closed: true });
  out.line(`closed ${combineOutTradeNo} (${subs.join(', ')})`);
}

export async function run(ctx: CommandContext<CloseOptions>): Promise<void> {
  if (ctx.opts.combine !== undefined) return runCombine(ctx, ctx.opts.combine);
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
