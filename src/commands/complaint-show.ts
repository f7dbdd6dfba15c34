// `wxpay complaint show <complaint_id> [--redact]`: one complaint with its deadline and the payer's phone decrypted
// with the merchant private key (docs/protocol.md §7, §13); --redact masks the phone for sharing.
import { getComplaint } from '../api/complaints.js';
import { decryptForClient } from '../api/sensitive.js';
import { withClient } from '../command-kit/client-context.js';
import { complaintRows, deadlineOf, maskPhone } from '../command-kit/complaint-view.js';
import { outputFor } from '../command-kit/shared.js';
import type { CommandContext } from '../runtime.js';
import type { ComplaintShowOptions } from '../cli/complaint.js';
import { complaintId } from './complaint-history.js';

export async function run(ctx: CommandContext<ComplaintShowOptions>): Promise<void> {
  const id = complaintId(ctx);
  const { c, phone } = await withClient(ctx, async ({ client }) => {
    const c = await getComplaint(client, id);
    const plain = decryptForClient(client, { payer_phone: c.payer_phone }).payer_phone;
    return { c, phone: plain !== undefined && ctx.opts.redact ? maskPhone(plain) : plain };
  });
  const out = outputFor(ctx);
  if (out.json) {
    out.data({ ...c, payer_phone: phone, deadline: deadlineOf(c) ?? null });
    return;
  }
  out.table(complaintRows(c, phone, ctx.rt.now()));
}
