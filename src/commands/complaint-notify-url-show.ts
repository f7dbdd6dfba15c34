// `wxpay complaint notify-url show`: the URL complaint notifications go to (exit 5 RESOURCE_NOT_EXISTS when none).
import { getNotifyUrl } from '../api/complaint-notify-url.js';
import { withClient } from '../command-kit/client-context.js';
import { outputFor } from '../command-kit/shared.js';
import type { CommandContext } from '../runtime.js';

export async function run(ctx: CommandContext): Promise<void> {
  const current = await withClient(ctx, ({ client }) => getNotifyUrl(client));
  const out = outputFor(ctx);
  if (out.json) {
    out.data(current);
    return;
  }
  out.table([
    ['mchid', current.mchid],
    ['url', current.url],
  ]);
}
