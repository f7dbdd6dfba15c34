// `wxpay profitsharing return create`: take back money a merchant receiver got in a split (before refunding the
// payer). out_return_no is the idempotency key. Asks for confirmation on a TTY; without a TTY --yes is required.
import { createReturn, returnRequest, type ReturnInput } from '../api/profitsharing-receivers.js';
import { parseFen } from '../command-kit/amount.js';
import { printDryRun, withClient } from '../command-kit/client-context.js';
import { confirmSend } from '../command-kit/confirm.js';
import { returnRows, usage } from '../command-kit/profitsharing.js';
import { outputFor } from '../command-kit/shared.js';
import type { CommandContext } from '../runtime.js';
import type { ReturnCreateOptions } from '../cli/profitsharing.js';

function inputFrom(opts: ReturnCreateOptions): ReturnInput {
  if (Boolean(opts.outOrderNo) === Boolean(opts.orderId))
    throw usage('Give exactly one of --out-order-no and --order-id', 'The split to take money back from.');
  if (!opts.outReturnNo || !opts.returnMchid)
    throw usage(
      '--out-return-no and --return-mchid are required',
      'e.g. --out-return-no RT001 --return-mchid 1900000109',
    );
  return {
    split: opts.orderId ? { orderId: opts.orderId } : { outOrderNo: opts.outOrderNo! },
    outReturnNo: opts.outReturnNo,
    returnMchid: opts.returnMchid,
    amount: parseFen(opts.amount, '--amount', opts.yuan),
    description: opts.description ?? '分账回退',
    subMchid: opts.subMchid,
  };
}

export async function run(ctx: CommandContext<ReturnCreateOptions>): Promise<void> {
  const input = inputFrom(ctx.opts);
  await withClient(ctx, async ({ client }) => {
    if (ctx.opts.dryRun) {
      printDryRun(ctx, client.preview(returnRequest(input)));
      return;
    }
    const question = `Take ${input.amount} fen back from ${input.returnMchid} as ${input.outReturnNo}?`;
    if (!(await confirmSend(ctx, question))) return;
    const r = await createReturn(client, input);
    const out = outputFor(ctx);
    if (out.json) {
      out.data(r);
      return;
    }
    out.table(returnRows(r));
  });
}
