// `wxpay media upload <file> [--for complaint|merchant]`: the multipart upload (signature over the meta JSON, the
// file's SHA-256 in meta, JPG/PNG/BMP up to 2 MiB checked first); prints the media_id.
import { MEDIA_PURPOSES, uploadMedia, type MediaPurpose } from '../api/media.js';
import { withClient } from '../command-kit/client-context.js';
import { outputFor, readInput } from '../command-kit/shared.js';
import { WxpayError } from '../protocol/errors.js';
import type { CommandContext } from '../runtime.js';
import type { MediaUploadOptions } from '../cli/media.js';
import { baseName } from './complaint-respond.js';

export async function run(ctx: CommandContext<MediaUploadOptions>): Promise<void> {
  const file = String(ctx.args[0] ?? '');
  const purpose = (ctx.opts.for ?? 'complaint') as MediaPurpose;
  if (!MEDIA_PURPOSES.includes(purpose))
    throw new WxpayError('USAGE', `--for must be complaint or merchant, got "${purpose}"`, {
      hint: 'complaint: images for complaint replies; merchant: the general image upload.',
    });
  const bytes = await readInput(ctx.rt, file, 'image');
  const { media_id } = await withClient(ctx, ({ client }) =>
    uploadMedia(client, { purpose, filename: baseName(file), file: bytes }),
  );
  const out = outputFor(ctx);
  if (out.json) return out.data({ media_id, for: purpose, bytes: bytes.length });
  out.line(media_id);
}
