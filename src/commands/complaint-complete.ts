// `wxpay complaint complete <complaint_id>`: tells WeChat Pay the complaint is handled (PROCESSING -> PROCESSED).
import { completeComplaint } from '../api/complaints.js';
import { withClient } from '../command-kit/client-context.js';
import { outputFor } from '../command-kit/shared.js';
import type { CommandContext } from '../runtime.js';
import type { ComplaintCompleteOptions } from '../cli/complaint.js';
import { complaintId } from './complaint-history.js';

export async function run(ctx: CommandContext<ComplaintCompleteOptions>): Promise<void> {
  const id = complaintId(ctx);
  await withClient(ctx, ({ client }) => completeComplaint(client, id, ctx.opts.subMchid ?? client.merchant.mchid));
  const out = outputFor(ctx);
  if (out.json) {
    out.data({ complaint_id: id, completed: true });
    return;
  }
  out.line(`complaint ${id} marked as handled`);
}
