// `wxpay complaint history <complaint_id>`: the negotiation history, every page, oldest first (docs/protocol.md §13).
import { complaintHistory } from '../api/complaints.js';
import { withClient } from '../command-kit/client-context.js';
import { historyLine } from '../command-kit/complaint-view.js';
import { outputFor } from '../command-kit/shared.js';
import { WxpayError } from '../protocol/errors.js';
import type { CommandContext } from '../runtime.js';

/** The <complaint_id> argument, checked enough to keep a typo from becoming a request. */
export function complaintId(ctx: CommandContext): string {
  const id = String(ctx.args[0] ?? '');
  if (!/^\d{1,64}$/.test(id))
    throw new WxpayError('USAGE', `A complaint id is digits, got "${id}"`, {
      hint: 'Take it from `wxpay complaint list`, e.g. 200201820200101080076610000.',
    });
  return id;
}

export async function run(ctx: CommandContext): Promise<void> {
  const id = complaintId(ctx);
  const entries = await withClient(ctx, ({ client }) => complaintHistory(client, id));
  const out = outputFor(ctx);
  if (out.json) return out.data(entries);
  for (const h of entries) out.line(historyLine(h));
}
