// `wxpay complaint respond <complaint_id> --text … [--image f…] [--jump-url u]`: uploads each image through the
// complaint image upload (multipart, signed over meta), then sends the reply with their media_ids.
import { MAX_REPLY_IMAGES, respondComplaint } from '../api/complaints.js';
import { uploadMedia } from '../api/media.js';
import { withClient } from '../command-kit/client-context.js';
import { outputFor, readInput } from '../command-kit/shared.js';
import { WxpayError } from '../protocol/errors.js';
import type { CommandContext } from '../runtime.js';
import type { ComplaintRespondOptions } from '../cli/complaint.js';
import { complaintId } from './complaint-history.js';

export async function run(ctx: CommandContext<ComplaintRespondOptions>): Promise<void> {
  const id = complaintId(ctx);
  const { text, image = [], jumpUrl, jumpUrlText } = ctx.opts;
  if (!text) throw new WxpayError('USAGE', 'What is the reply? Give --text', { hint: 'e.g. --text "已为您退款"' });
  if (image.length > MAX_REPLY_IMAGES)
    throw new WxpayError('USAGE', `A reply carries at most ${MAX_REPLY_IMAGES} images, got ${image.length}`, {
      hint: 'Drop some --image files.',
    });
  if (jumpUrl && !jumpUrl.startsWith('https://'))
    throw new WxpayError('USAGE', '--jump-url must be an https:// link', { hint: 'WeChat Pay takes https only.' });
  const files = await Promise.all(image.map(async (f) => ({ f, bytes: await readInput(ctx.rt, f, 'image') })));
  const mediaIds = await withClient(ctx, async ({ client }) => {
    const ids: string[] = [];
    for (const { f, bytes } of files)
      ids.push((await uploadMedia(client, { purpose: 'complaint', filename: baseName(f), file: bytes })).media_id);
    await respondComplaint(client, id, {
      complaintedMchid: ctx.opts.subMchid ?? client.merchant.mchid,
      text,
      images: ids,
      jumpUrl,
      jumpUrlText,
    });
    return ids;
  });
  const out = outputFor(ctx);
  if (out.json) {
    out.data({ complaint_id: id, replied: true, response_images: mediaIds });
    return;
  }
  out.line(`replied to ${id}${mediaIds.length ? ` with ${mediaIds.length} image(s): ${mediaIds.join(', ')}` : ''}`);
  out.note('`wxpay complaint complete` marks it handled once the payer is satisfied');
}

export const baseName = (file: string): string => file.split(/[\\/]/).pop() ?? file;
