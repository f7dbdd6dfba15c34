// `wxpay profitsharing receivers add`: allow splits to a merchant or a user. A merchant receiver needs --name (its
// registered full name), sent encrypted to WeChat Pay's key with the matching Wechatpay-Serial.
import { addReceiver, addReceiverRequest, RELATION_TYPES, type RelationType } from '../api/profitsharing-receivers.js';
import { printDryRun, withClient } from '../command-kit/client-context.js';
import { keyForNames, receiverInputFrom, usage, type ReceiverOptions } from '../command-kit/profitsharing.js';
import { outputFor } from '../command-kit/shared.js';
import type { CommandContext } from '../runtime.js';

function relation(value: string | undefined): RelationType {
  const r = (value ?? '').toUpperCase() as RelationType;
  if (!RELATION_TYPES.includes(r))
    throw usage(`--relation must be one of ${RELATION_TYPES.join(', ')}`, 'e.g. --relation STORE');
  return r;
}

export async function run(ctx: CommandContext<ReceiverOptions>): Promise<void> {
  await withClient(ctx, async ({ client, profile }) => {
    const input = {
      ...receiverInputFrom(ctx.opts, ctx.opts.appid ?? profile.appid),
      relationType: relation(ctx.opts.relation),
    };
    const key = await keyForNames(client, input.name !== undefined, Boolean(ctx.opts.dryRun));
    if (ctx.opts.dryRun) return printDryRun(ctx, client.preview(addReceiverRequest(input, key)));
    const r = await addReceiver(client, input, key);
    const out = outputFor(ctx);
    if (out.json) return out.data(r);
    out.table([
      ['added', `${r.type} ${r.account}`],
      ['relation_type', r.relation_type ?? input.relationType],
    ]);
  });
}
