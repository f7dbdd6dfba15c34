// `wxpay profitsharing order create`: split a paid order among receivers added before (docs/protocol.md §15).
// Receiver names are encrypted to WeChat Pay's key with the matching Wechatpay-Serial. The same out_order_no and
// body on a retry make one split. Asks for confirmation on a TTY; without a TTY --yes is required.
import { createSplit, splitRequest, type SplitInput } from '../api/profitsharing.js';
import { printDryRun, withClient } from '../command-kit/client-context.js';
import { confirmSend } from '../command-kit/confirm.js';
import {
  keyForNames,
  parseReceiver,
  splitRows,
  transactionIdOf,
  usage,
  withNames,
} from '../command-kit/profitsharing.js';
import { outputFor } from '../command-kit/shared.js';
import type { CommandContext } from '../runtime.js';
import type { SplitCreateOptions } from '../cli/profitsharing.js';

function inputFrom(opts: SplitCreateOptions, transactionId: string, appid: string | undefined): SplitInput {
  if (!opts.outOrderNo) throw usage('--out-order-no is required', 'Your own split number; reuse it when retrying.');
  if (!opts.receiver?.length)
    throw usage('Give at least one --receiver', 'e.g. --receiver MERCHANT_ID:1900000109:30:分给门店');
  const receivers = withNames(
    opts.receiver.map((r) => parseReceiver(r, opts.description, opts.yuan)),
    opts.receiverName,
  );
  const personal = receivers.some((r) => r.type !== 'MERCHANT_ID');
  return {
    transactionId,
    outOrderNo: opts.outOrderNo,
    receivers,
    unfreezeUnsplit: Boolean(opts.unfreezeUnsplit),
    // appid is needed only to name a personal (openid) receiver.
    ...(personal && appid ? { appid } : {}),
    subMchid: opts.subMchid,
  };
}

export async function run(ctx: CommandContext<SplitCreateOptions>): Promise<void> {
  await withClient(ctx, async ({ client, profile }) => {
    if (ctx.opts.dryRun && ctx.opts.outTradeNo)
      throw usage(
        '--dry-run needs --transaction-id',
        '--out-trade-no is looked up with a query, and a dry run sends nothing.',
      );
    const input = inputFrom(ctx.opts, await transactionIdOf(client, ctx.opts), ctx.opts.appid ?? profile.appid);
    const key = await keyForNames(
      client,
      input.receivers.some((r) => r.name !== undefined),
      Boolean(ctx.opts.dryRun),
    );
    if (ctx.opts.dryRun) {
      printDryRun(ctx, client.preview(splitRequest(input, key)));
      return;
    }
    const total = input.receivers.reduce((sum, r) => sum + r.amount, 0);
    const rest = input.unfreezeUnsplit ? ', then unfreeze the rest' : '';
    const question = `Split ${total} fen of ${input.transactionId} to ${input.receivers.length} receiver(s) as ${input.outOrderNo}${rest}?`;
    if (!(await confirmSend(ctx, question))) return;
    const split = await createSplit(client, input, key);
    const out = outputFor(ctx);
    if (out.json) {
      out.data(split);
      return;
    }
    out.table(splitRows(split));
  });
}
