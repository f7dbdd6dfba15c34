// `wxpay complaint image <media_url> --output <file>`: downloads a complaint image with a signed GET. Only WeChat
// Pay's hosts (or the profile's sandbox) are asked: a signature sent elsewhere could be replayed for 5 minutes.
import { downloadMedia, mediaDownloadPath } from '../api/media.js';
import { withClient } from '../command-kit/client-context.js';
import { outputFor } from '../command-kit/shared.js';
import { writeFileSafe } from '../files/safe-write.js';
import { WxpayError } from '../protocol/errors.js';
import type { CommandContext } from '../runtime.js';
import type { ComplaintImageOptions } from '../cli/complaint.js';

export async function run(ctx: CommandContext<ComplaintImageOptions>): Promise<void> {
  const mediaUrl = typeof ctx.args[0] === 'string' ? ctx.args[0] : '';
  const output = ctx.opts.output;
  if (!output) throw new WxpayError('USAGE', 'Where to? Give --output <file>', { hint: 'e.g. --output image.png' });
  const { bytes, type } = await withClient(ctx, async ({ client }) => {
    const path = mediaDownloadPath(mediaUrl, client.baseUrl);
    if (!path)
      throw new WxpayError('USAGE', `Not a complaint image URL of WeChat Pay: ${mediaUrl}`, {
        hint: 'Copy a media_url from `wxpay complaint show` or `complaint history` (…/v3/merchant-service/images/…).',
      });
    const res = await downloadMedia(client, path);
    return { bytes: res.rawBody, type: res.headers['content-type'] ?? 'unknown type' };
  });
  await writeFileSafe(output.startsWith('/') ? output : `${ctx.rt.cwd}/${output}`, bytes);
  const out = outputFor(ctx);
  if (out.json) {
    out.data({ output, bytes: bytes.length, contentType: type });
    return;
  }
  out.line(`saved ${bytes.length} bytes (${type}) to ${output}`);
}
