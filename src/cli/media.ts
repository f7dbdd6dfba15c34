// Declarations: wxpay media upload (the multipart image upload, issue 20).
import type { Command } from '@commander-js/extra-typings';
import type { Runtime } from '../runtime.js';
import { ex, lazy, type OptionsOf } from './lazy.js';

const declareMediaUpload = (media: Command) =>
  media
    .command('upload')
    .description('upload a JPG/PNG/BMP image of at most 2 MiB and print its media_id')
    .argument('<file>', 'the image')
    .option(
      '--for <use>',
      'complaint (replies and refund rejections) or merchant (the general image upload)',
      'complaint',
    );

export type MediaUploadOptions = OptionsOf<typeof declareMediaUpload>;

export function registerMedia(program: Command, rt: Runtime): void {
  const media = program.command('media').description('upload images to WeChat Pay (media_id)');
  declareMediaUpload(media)
    .addHelpText('after', ex('  wxpay media upload receipt.png\n  wxpay media upload licence.jpg --for merchant'))
    .action(lazy(rt, () => import('../commands/media-upload.js')));
}
