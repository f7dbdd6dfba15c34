// Declarations: wxpay pay code | reverse (docs/protocol.md §18, payment code 付款码 at the point of sale).
import type { Command } from '@commander-js/extra-typings';
import type { Runtime } from '../runtime.js';
import { ex, lazy, type OptionsOf } from './lazy.js';

const declarePayCode = (pay: Command) =>
  pay
    .command('code')
    .description(
      "take a payment with the payer's payment code (付款码): submit, wait while the payer enters a password, reverse at the timeout or on Ctrl-C",
    )
    .requiredOption(
      '--auth-code <code>',
      'the 18 digits the scanner read (starting 10 to 15), or - to read them from stdin (kept out of argv)',
    )
    .requiredOption('--amount <fen>', 'the amount in integer fen')
    .option('--yuan', 'read --amount as yuan')
    .option('--out-trade-no <no>', 'your order number (default: POS + China time + 4 random digits); printed first')
    .option('--description <text>', 'what the payer sees in their WeChat bill', '付款码支付')
    .option('--store-id <code>', 'your own store code (scene_info.store_info.out_id)')
    .option('--device-id <id>', 'the cash register (scene_info.device_id)')
    .option('--device-ip <ip>', "the cash register's IP (scene_info.device_ip; default: this machine's first IPv4)")
    .option('--attach <text>', 'your data, returned by the query')
    .option('--appid <id>', "the appid (default: the profile's appid)")
    // 30 s: the v2 micropay guide's wait (docs/protocol.md §18); a payment code itself lives about a minute.
    .option('--timeout <s>', 'how long to wait for the payer before reversing (1-300)', '30');

export type PayCodeOptions = OptionsOf<typeof declarePayCode>;

const declarePayReverse = (pay: Command) =>
  pay
    .command('reverse')
    .description('reverse (撤销) a payment-code order: an unpaid one is closed, a paid one refunded')
    .requiredOption('--out-trade-no <no>', 'the order to reverse')
    .option('--appid <id>', "the appid (default: the profile's appid)");

export type PayReverseOptions = OptionsOf<typeof declarePayReverse>;

export function registerPay(program: Command, rt: Runtime): void {
  const pay = program.command('pay').description('point of sale: payment code (付款码) payments and reverse');
  declarePayCode(pay)
    .addHelpText('after', ex('  wxpay pay code --auth-code 134567890123456789 --amount 100 --store-id SH-012'))
    .action(lazy(rt, () => import('../commands/pay-code.js')));
  declarePayReverse(pay)
    .addHelpText('after', ex('  wxpay pay reverse --out-trade-no POS20260101001'))
    .action(lazy(rt, () => import('../commands/pay-reverse.js')));
}
