// `wxpay profitsharing receivers add`: allow splits to a merchant or a user. A merchant receiver needs --name (its
// registered full name), sent encrypted to WeChat Pay's key with the matching Wechatpay-Serial.
import { addReceiver, addReceiverRequest, RELATION_TYPES, type RelationType } from '../api/profitsharing-receivers.js';
import { printDryRun, withClient } from '../command-kit/client-context.js';
import { keyForNames, receiverInputFrom, usage } from '../command-kit/profitsharing.js';
import { outputFor } from '../command-kit/shared.js';
import type { CommandContext } from '../runtime.js';
import type { ReceiversAddOptions } from '../cli/profitsharing.js';

function relation(value: string | undefined): RelationType {
  const r = (value ?? '').toUpperCase() as RelationType;
  if (!RELATION_TYPES.includes(r))
    throw usage(`--relation must be one of ${RELATION_TYPES.join(', ')}`, 'e.g. --relation STORE');
  return r;
}

export async function run(ctx: CommandContext<ReceiversAddOptions>): Promise<void> {
  await withClient(ctx, async ({ client, profile }) => {
    const input = {
      ...receiverInputFrom(ctx.opts, ctx.opts.appid ?? profile.appid),
      name: ctx.opts.name,
      customRelation: ctx.opts.customRelation,
      relationType: relation(ctx.opts.relation),
    };
    const key = await keyForNames(client, input.name !== undefined, Boolean(ctx.opts.dryRun));
    if (ctx.opts.dryRun) {
      printDryRun(ctx, client.preview(addReceiverRequest(input, key)));
      return;
    }
    const r = await addReceiver(client, input, key);
    const out = outputFor(ctx);
    if (out.json) {
      out.data(r);
      return;
    }
    out.table([
      ['added', `${r.type} ${r.account}`],
      ['relation_type', r.relation_type ?? input.relationType],
    ]);
  });
}
