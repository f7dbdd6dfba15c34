// `wxpay profitsharing receivers delete`: no more splits to this receiver.
import { deleteReceiver, deleteReceiverRequest } from '../api/profitsharing-receivers.js';
import { printDryRun, withClient } from '../command-kit/client-context.js';
import { receiverInputFrom } from '../command-kit/profitsharing.js';
import { outputFor } from '../command-kit/shared.js';
import type { CommandContext } from '../runtime.js';
import type { ReceiversDeleteOptions } from '../cli/profitsharing.js';

export async function run(ctx: CommandContext<ReceiversDeleteOptions>): Promise<void> {
  await withClient(ctx, async ({ client, profile }) => {
    const input = receiverInputFrom(ctx.opts, ctx.opts.appid ?? profile.appid);
    if (ctx.opts.dryRun) {
      printDryRun(ctx, client.preview(deleteReceiverRequest(input)));
      return;
    }
    const r = await deleteReceiver(client, input);
    const out = outputFor(ctx);
    if (out.json) {
      out.data(r);
      return;
    }
    out.line(`deleted ${r.type} ${r.account}`);
  });
}
