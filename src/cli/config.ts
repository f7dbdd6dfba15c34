// Declarations: wxpay config show | init | profiles | check.
import type { Command } from '@commander-js/extra-typings';
import type { Runtime } from '../runtime.js';
import { lazy, type OptionsOf } from './lazy.js';

const declareInit = (config: Command) =>
  config
    .command('init')
    .description('write a starter .wxpayrc.json from flags (or prompts on a TTY), then run config check')
    .option('--mchid <id>', 'merchant ID')
    .option('--appid <id>', 'AppID')
    .option('--private-key <path>', 'apiclient_key.pem')
    .option('--cert <path>', 'apiclient_cert.pem (the serial is read from it)')
    .option('--public-key-id <id>', 'PUB_KEY_ID_… (public-key mode)')
    .option('--public-key <path>', 'pub_key.pem (public-key mode)')
    .option('--platform-cert-dir <dir>', 'folder of wechatpay_<SERIAL>.pem (platform-certificate mode)')
    .option('--apiv3-key-file <path>', 'file holding the APIv3 key (the key itself is never written into the rc)')
    .option('--apiv3-key-env <name>', 'env variable holding the APIv3 key (default WXPAY_APIV3_KEY)')
    .option('--notify-url <url>', 'notify_url for prepay and refunds')
    .option('--name <profile>', 'profile name', 'default')
    .option('--output <file>', 'rc file to write', '.wxpayrc.json')
    .option('--force', 'replace an existing profile of that name');
export type ConfigInitOptions = OptionsOf<typeof declareInit>;

export function registerConfig(program: Command, rt: Runtime): void {
  const config = program.command('config').description('show and check the merchant configuration');
  config
    .command('show')
    .description('the resolved profile, secrets redacted, with where each value came from')
    .addHelpText('after', '\nExample:\n  wxpay config show --profile prod')
    .action(lazy(rt, () => import('../commands/config-show.js')));
  declareInit(config)
    .addHelpText(
      'after',
      '\nExample:\n  wxpay config init --mchid 1900007291 --private-key apiclient_key.pem --cert apiclient_cert.pem \\\n    --public-key-id PUB_KEY_ID_0000000000000024101100397200000006 --public-key pub_key.pem --apiv3-key-file apiv3.key',
    )
    .action(lazy(rt, () => import('../commands/config-init.js')));
  config
    .command('profiles')
    .description('list the profile names in the rc file (used by shell completion)')
    .action(lazy(rt, () => import('../commands/config-profiles.js')));
  config
    .command('check')
    .description('the doctor: keys, certificate, serial, APIv3 key, key mode, notify URL (exit 3 on any fail)')
    .addHelpText('after', '\nExample:\n  wxpay config check --profile prod')
    .action(lazy(rt, () => import('../commands/config-check.js')));
}
