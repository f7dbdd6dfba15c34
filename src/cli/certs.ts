// Declarations: wxpay certs download | list (platform certificates).
import type { Command } from '@commander-js/extra-typings';
import type { Runtime } from '../runtime.js';
import { ex, lazy, type OptionsOf } from './lazy.js';

const declareCertsDownload = (certs: Command) =>
  certs
    .command('download')
    .description(
      'fetch, decrypt and verify the platform certificates; save wechatpay_<SERIAL>.pem (needs the APIv3 key)',
    )
    .option('--output <dir>', "folder to save into (default: the profile's platformCertDir)")
    .option('--known-cert <pem>', 'verify the response with this certificate instead of the downloaded ones');

export type CertsDownloadOptions = OptionsOf<typeof declareCertsDownload>;

const declareCertsList = (certs: Command) =>
  certs
    .command('list')
    .description('the platform certificates on disk, with expiry warnings')
    .option('--dir <dir>', "folder to read (default: the profile's platformCertDir)");

export type CertsListOptions = OptionsOf<typeof declareCertsList>;

export function registerCerts(program: Command, rt: Runtime): void {
  const certs = program.command('certs').description('WeChat Pay platform certificates');
  declareCertsDownload(certs)
    .addHelpText(
      'after',
      ex(
        '  wxpay certs download --output ./certs\n  wxpay certs download --known-cert ./certs/wechatpay_5DEA10EF55877E3CF6C33255C2E7DEFFF7E427EC.pem',
      ),
    )
    .action(lazy(rt, () => import('../commands/certs-download.js')));
  declareCertsList(certs)
    .addHelpText('after', ex('  wxpay certs list --json'))
    .action(lazy(rt, () => import('../commands/certs-list.js')));
}
