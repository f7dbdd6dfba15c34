// Declarations: wxpay prepay (issue 4).
import { Option, type Command } from '@commander-js/extra-typings';
import type { Runtime } from '../runtime.js';
import { collect, ex, lazy, type OptionsOf } from './lazy.js';

const declarePrepay = (program: Command) =>
  program
    .command('prepay')
    .description('create an order and print prepay_id / code_url / h5_url (amounts in integer fen)')
    .argument('<kind>', 'jsapi, app, h5 or native; or combine (合单), followed by one of those')
    .argument('[combine-kind]', 'after combine: jsapi, app, h5 or native')
    .option(
      '--out-trade-no <no>',
      '(required) your order number (combine: the combine_out_trade_no), 6-32 of [0-9A-Za-z_-|*]',
    )
    .option('--sub-order <spec>', 'combine: out_trade_no:mchid:amount(fen):description, 2-50 times', collect)
    .option('--amount <fen>', '(required) amount in integer fen (分): 100 = 1.00 yuan')
    .option('--yuan', 'read --amount as yuan (e.g. 12.30)')
    .option('--description <text>', '(required) goods description shown to the payer')
    .option('--openid <id>', 'payer openid (jsapi)')
    .option('--notify-url <url>', "callback URL (default: the profile's notifyUrl)")
    .option('--attach <s>', 'data returned untouched in query and callbacks')
    .option('--expire <time>', 'RFC 3339 time or +30m / +2h / +1d')
    .option('--payer-ip <ip>', 'payer client IP (required for h5)')
    .addOption(new Option('--h5-type <type>', 'h5 scene type').choices(['Wap', 'iOS', 'Android']))
    .option('--appid <id>', "AppID (default: the profile's appid); sp_appid in partner mode")
    .option('--sub-mchid <id>', 'partner mode: the sub-merchant')
    .option('--sub-appid <id>', 'partner mode: the sub-merchant AppID')
    .option('--profit-sharing', 'settle_info.profit_sharing: keep the money frozen for `wxpay profitsharing`')
    .option('--qr', 'native: draw code_url as a QR code in the terminal')
    .option('--dry-run', 'print the request and the message to sign, unsigned, without sending it');

export type PrepayOptions = OptionsOf<typeof declarePrepay>;

export function registerPrepay(program: Command, rt: Runtime): void {
  declarePrepay(program)
    .addHelpText(
      'after',
      ex(
        '  wxpay prepay native --out-trade-no ORDER20260101001 --amount 100 --description "T-shirt" --qr\n  wxpay prepay jsapi --out-trade-no ORDER20260101002 --amount 1 --description Tea --openid oUpF8uMuAJO_M2pxb1Q9zNjWeS6o\n  wxpay prepay combine native --out-trade-no C20260101001 --sub-order S1A2026:1900000109:100:Tea --sub-order S1B2026:1900000109:50:Cup',
      ),
    )
    // `prepay combine <kind>` is its own command module (commands/prepay-combine.ts), loaded only when asked for.
    .action((...args: unknown[]) =>
      lazy(rt, () =>
        args[0] === 'combine' ? import('../commands/prepay-combine.js') : import('../commands/prepay.js'),
      )(...args),
    );
}
