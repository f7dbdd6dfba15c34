// Declarations: wxpay refund create | query | abnormal; `refund create --from <file.csv>` runs as a batch.
import type { Command } from '@commander-js/extra-typings';
import type { Runtime } from '../runtime.js';
import { ex, lazy, type OptionsOf } from './lazy.js';
import { addBatchOptions, batchable } from './batch-flags.js';

const declareRefundCreate = (refund: Command) =>
  refund
    .command('create')
    .description(
      'refund an order (asks for confirmation on a TTY; --yes is required without one); with --from, the required options come from the CSV',
    )
    .option('--out-trade-no <no>', '(this or --transaction-id) the order, by your order number')
    .option('--transaction-id <id>', "(this or --out-trade-no) the order, by WeChat Pay's transaction_id")
    .option('--out-refund-no <no>', '(required) your refund number; reuse it when retrying')
    .option('--amount <fen>', '(required) refund amount in integer fen')
    .option('--total <fen>', '(required) the original order total in integer fen')
    .option('--yuan', 'read --amount and --total as yuan')
    .option('--reason <s>', 'reason shown to the payer')
    .option('--notify-url <url>', "refund callback URL (default: the profile's notifyUrl)")
    .option('--sub-mchid <id>', 'partner mode: the sub-merchant')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--dry-run', 'print the request and the message to sign, unsigned, without sending it');

export type RefundCreateOptions = OptionsOf<typeof declareRefundCreate>;

const declareRefundQuery = (refund: Command) =>
  refund
    .command('query')
    .description("a refund's status and amounts")
    .argument('[out_refund_no]', 'your refund number')
    .option('--sub-mchid <id>', 'partner mode: the sub-merchant');

export type RefundQueryOptions = OptionsOf<typeof declareRefundQuery>;

const declareRefundAbnormal = (refund: Command) =>
  refund
    .command('abnormal')
    .description('send a refund that ended ABNORMAL to a bank card (asks for confirmation on a TTY; --yes without one)')
    .argument('[refund_id]', "WeChat Pay's refund_id")
    .option('--out-refund-no <no>', "(required) the refund's out_refund_no")
    .option('--type <type>', "(required) USER_BANK_CARD (the payer's card) or MERCHANT_BANK_CARD")
    .option('--bank-type <bank>', 'USER_BANK_CARD: the bank, e.g. CMB_DEBIT')
    .option('--bank-account <no>', 'USER_BANK_CARD: the card number, sent encrypted')
    .option('--real-name <name>', "USER_BANK_CARD: the card holder's name, sent encrypted")
    .option('--sub-mchid <id>', 'partner mode: the sub-merchant')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--dry-run', 'print the request and the message to sign, unsigned, without sending it');
export type RefundAbnormalOptions = OptionsOf<typeof declareRefundAbnormal>;

export function registerRefund(program: Command, rt: Runtime): void {
  const refund = program.command('refund').description('create and query refunds');
  declareRefundCreate(refund)
    .addHelpText(
      'after',
      ex(
        '  wxpay refund create --out-trade-no ORDER20260101001 --out-refund-no R20260101001 --amount 50 --total 100 --yes',
      ),
    )
    .action(batchable(rt, 'refund', () => import('../commands/refund-create.js')));
  declareRefundQuery(refund)
    .addHelpText('after', ex('  wxpay refund query R20260101001 --json'))
    .action(lazy(rt, () => import('../commands/refund-query.js')));
  declareRefundAbnormal(refund)
    .addHelpText(
      'after',
      ex(
        '  wxpay refund abnormal 50300000000000000000000000000 --out-refund-no R20260101001 --type MERCHANT_BANK_CARD --yes',
      ),
    )
    .action(lazy(rt, () => import('../commands/refund-abnormal.js')));
  addBatchOptions(program, ['refund', 'create']);
}
