// `wxpay complaint refund-progress <complaint_id> --action APPROVE|REJECT …`: the merchant's answer to a complaint
// that asks for a refund (docs/protocol.md §13); rejection images are uploaded first, like reply images.
import { MAX_REPLY_IMAGES, updateRefundProgress } from '../api/complaints.js';
import { uploadMedia } from '../api/media.js';
import { withClient } from '../command-kit/client-context.js';
import { intOption, outputFor, readInput } from '../command-kit/shared.js';
import { WxpayError } from '../protocol/errors.js';
import type { CommandContext } from '../runtime.js';
import type { ComplaintProgressOptions } from '../cli/complaint.js';
import { complaintId } from './complaint-history.js';
import { baseName } from './complaint-respond.js';

export async function run(ctx: CommandContext<ComplaintProgressOptions>): Promise<void> {
  const id = complaintId(ctx);
  const action = ctx.opts.action?.toUpperCase();
  if (action !== 'APPROVE' && action !== 'REJECT')
    throw new WxpayError('USAGE', '--action must be APPROVE or REJECT', { hint: 'e.g. --action APPROVE' });
  if (action === 'REJECT' && !ctx.opts.rejectReason)
    throw new WxpayError('USAGE', 'A rejection needs --reject-reason', { hint: 'It is shown to the payer.' });
  const images = ctx.opts.rejectImage ?? [];
  if (images.length > MAX_REPLY_IMAGES)
    throw new WxpayError('USAGE', `At most ${MAX_REPLY_IMAGES} --reject-image files`, { hint: 'Drop some.' });
  const launchRefundDay = intOption(ctx.opts.launchRefundDay, '--launch-refund-day');
  const files = await Promise.all(images.map(async (f) => ({ f, bytes: await readInput(ctx.rt, f, 'image') })));
  await withClient(ctx, async ({ client }) => {
    const rejectMediaList: string[] = [];
    for (const { f, bytes } of files)
      rejectMediaList.push(
        (await uploadMedia(client, { purpose: 'complaint', filename: baseName(f), file: bytes })).media_id,
      );
    await updateRefundProgress(client, id, {
      action,
      launchRefundDay,
      rejectReason: ctx.opts.rejectReason,
      rejectMediaList,
      remark: ctx.opts.remark,
    });
  });
  const out = outputFor(ctx);
  if (out.json) {
    out.data({ complaint_id: id, action });
    return;
  }
  out.line(`complaint ${id}: refund ${action === 'APPROVE' ? 'approved' : 'rejected'}`);
}
