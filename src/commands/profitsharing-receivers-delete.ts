// `wxpay profitsharing receivers delete`: no more splits to this receiver.
import { deleteReceiver, deleteReceiverRequest } from '../api/profitsharing-receivers.js';
import { printDryRun, withClient } from '../command-kit/client-context.js';
import { receiverInputFrom, type ReceiverOptions } from '../command-kit/profitsharing.js';
import { outputFor } from '../command-kit/shared.js';
import type { CommandContext } from '../runtime.js';

export async function run(ctx: CommandContext<ReceiverOptions>): Promise<void> {
  await withClient(ctx, async ({ client, profile }) => {
    const input = receiverInputFrom(ctx.opts, ctx.opts.appid ?? profile.appid);
    if (ctx.opts.dryRun) return printDryRun(ctx, client.preview(deleteReceiverRequest(input)));
    const r = await deleteReceiver(client, input);
    const out = outputFor(ctx);
    if (out.json) return out.data(r);
    out.line(`deleted ${r.type} ${r.account}`);
  });
}
