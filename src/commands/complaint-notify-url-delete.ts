// `wxpay complaint notify-url delete`: stops complaint notifications.
import { deleteNotifyUrl } from '../api/complaint-notify-url.js';
import { withClient } from '../command-kit/client-context.js';
import { outputFor } from '../command-kit/shared.js';
import type { CommandContext } from '../runtime.js';

export async function run(ctx: CommandContext): Promise<void> {
  await withClient(ctx, ({ client }) => deleteNotifyUrl(client));
  const out = outputFor(ctx);
  if (out.json) {
    out.data({ deleted: true });
    return;
  }
  out.line('complaint notifications are off (no URL)');
}
