// Declarations: wxpay profitsharing order create|query, unfreeze, return create|query, receivers add|delete,
// amounts, bill (issue 16). Money-moving commands confirm on a TTY and take --yes and --dry-run.
import { Option, type Command, type OptionValues } from '@commander-js/extra-typings';
import type { Runtime } from '../runtime.js';
import { collect, ex, lazy, type OptionsOf } from './lazy.js';

const RECEIVER_TYPES = ['MERCHANT_ID', 'PERSONAL_OPENID', 'PERSONAL_SUB_OPENID'];
// Generic so the flags it adds stay in the command's derived options type.
const sends = <A extends unknown[], O extends OptionValues, G extends OptionValues>(cmd: Command<A, O, G>) =>
  cmd
    .option('--sub-mchid <id>', 'partner mode: the sub-merchant')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--dry-run', 'print the request and the message to sign, unsigned, without sending it');

const declareOrderCreate = (order: Command) =>
  sends(
    order
      .command('create')
      .description('split an order paid with --profit-sharing (asks for confirmation on a TTY; --yes without one)')
      .option('--transaction-id <id>', "(this or --out-trade-no) the paid order's transaction_id")
      .option('--out-trade-no <no>', '(this or --transaction-id) the paid order, by your order number')
      .option('--out-order-no <no>', '(required) your split number; reuse it when retrying')
      .option('--receiver <spec>', '(repeatable) TYPE:ACCOUNT:FEN[:DESCRIPTION], a receiver added before', collect)
      .option('--receiver-name <account=name>', "(repeatable) a receiver's name, sent encrypted", collect)
      .option('--description <text>', 'the description of receivers that give none')
      .option('--unfreeze-unsplit', 'release what is left to the merchant after this split (no later split)')
      .option('--yuan', 'read receiver amounts as yuan')
      .option('--appid <id>', "AppID of openid receivers (default: the profile's appid)"),
  );
export type SplitCreateOptions = OptionsOf<typeof declareOrderCreate>;

const declareOrderQuery = (order: Command) =>
  order
    .command('query')
    .description("a split's state and each receiver's result")
    .argument('[out_order_no]', 'your split number')
    .option('--transaction-id <id>', "(this or --out-trade-no) the order's transaction_id")
    .option('--out-trade-no <no>', '(this or --transaction-id) the order, by your order number')
    .option('--wait <seconds>', 'query again every second until the split is FINISHED, at most this long')
    .option('--sub-mchid <id>', 'partner mode: the sub-merchant');
export type SplitQueryOptions = OptionsOf<typeof declareOrderQuery>;

const declareUnfreeze = (ps: Command) =>
  sends(
    ps
      .command('unfreeze')
      .description("release an order's whole unsplit amount to the merchant; no split is possible after")
      .option('--transaction-id <id>', "(this or --out-trade-no) the order's transaction_id")
      .option('--out-trade-no <no>', '(this or --transaction-id) the order, by your order number')
      .option('--out-order-no <no>', '(required) your number for this unfreeze')
      .option('--description <text>', 'why (default 解冻全部剩余资金)'),
  );
export type UnfreezeOptions = OptionsOf<typeof declareUnfreeze>;

const declareAmounts = (ps: Command) =>
  ps
    .command('amounts')
    .description("an order's amount still frozen for splitting (unsplit_amount)")
    .argument('[transaction_id]', "the order's transaction_id")
    .option('--out-trade-no <no>', 'the order by your order number instead');
export type AmountsOptions = OptionsOf<typeof declareAmounts>;

const declareReturnCreate = (ret: Command) =>
  sends(
    ret
      .command('create')
      .description('return money a merchant receiver got in a split (asks for confirmation on a TTY)')
      .option('--out-order-no <no>', '(this or --order-id) the split, by your number')
      .option('--order-id <id>', "(this or --out-order-no) the split, by WeChat Pay's order_id")
      .option('--out-return-no <no>', '(required) your return number; reuse it when retrying')
      .option('--return-mchid <id>', '(required) the merchant receiver that gives the money back')
      .option('--amount <fen>', '(required) amount in integer fen')
      .option('--yuan', 'read --amount as yuan')
      .option('--description <text>', 'why (default 分账回退)'),
  );
export type ReturnCreateOptions = OptionsOf<typeof declareReturnCreate>;

const declareReturnQuery = (ret: Command) =>
  ret
    .command('query')
    .description("a return's result")
    .argument('[out_return_no]', 'your return number')
    .option('--out-order-no <no>', '(required) the split it belongs to')
    .option('--sub-mchid <id>', 'partner mode: the sub-merchant');
export type ReturnQueryOptions = OptionsOf<typeof declareReturnQuery>;

function registerOrders(ps: Command, rt: Runtime): void {
  const order = ps.command('order').description('split a paid order among receivers, and query a split');
  declareOrderCreate(order)
    .addHelpText(
      'after',
      ex(
        '  wxpay profitsharing order create --transaction-id 4200… --out-order-no P001 --receiver MERCHANT_ID:1900000109:30:分给门店 --yes',
      ),
    )
    .action(lazy(rt, () => import('../commands/profitsharing-order-create.js')));
  declareOrderQuery(order)
    .addHelpText('after', ex('  wxpay profitsharing order query P001 --transaction-id 4200… --wait 10 --json'))
    .action(lazy(rt, () => import('../commands/profitsharing-order-query.js')));
  declareUnfreeze(ps)
    .addHelpText('after', ex('  wxpay profitsharing unfreeze --transaction-id 4200… --out-order-no U001 --yes'))
    .action(lazy(rt, () => import('../commands/profitsharing-unfreeze.js')));
  declareAmounts(ps)
    .addHelpText('after', ex('  wxpay profitsharing amounts 4200… --json'))
    .action(lazy(rt, () => import('../commands/profitsharing-amounts.js')));
}

function registerReturns(ps: Command, rt: Runtime): void {
  const ret = ps.command('return').description('take split money back from a merchant receiver, and query it');
  declareReturnCreate(ret)
    .addHelpText(
      'after',
      ex(
        '  wxpay profitsharing return create --out-order-no P001 --out-return-no RT001 --return-mchid 1900000109 --amount 10 --yes',
      ),
    )
    .action(lazy(rt, () => import('../commands/profitsharing-return-create.js')));
  declareReturnQuery(ret)
    .addHelpText('after', ex('  wxpay profitsharing return query RT001 --out-order-no P001'))
    .action(lazy(rt, () => import('../commands/profitsharing-return-query.js')));
}

// Generic, like sends(): the flags of `receivers add` and `receivers delete`.
const receiverFlags = <A extends unknown[], O extends OptionValues, G extends OptionValues>(cmd: Command<A, O, G>) =>
  cmd
    .addOption(new Option('--type <type>', '(required) receiver type').choices(RECEIVER_TYPES))
    .option('--account <id>', '(required) a merchant id, or an openid')
    .option('--appid <id>', "AppID (default: the profile's appid)")
    .option('--sub-mchid <id>', 'partner mode: the sub-merchant')
    .option('--sub-appid <id>', 'partner mode: the sub-merchant AppID (PERSONAL_SUB_OPENID)')
    .option('--dry-run', 'print the request and the message to sign, unsigned, without sending it');

const declareReceiversAdd = (rcv: Command) =>
  receiverFlags(rcv.command('add').description('add a receiver (before any split to it)'))
    .option('--name <name>', "a merchant's registered full name (required for MERCHANT_ID), sent encrypted")
    .option('--relation <type>', '(required) STORE, STAFF, PARTNER, SUPPLIER, … or CUSTOM')
    .option('--custom-relation <text>', 'the relation, with --relation CUSTOM');
export type ReceiversAddOptions = OptionsOf<typeof declareReceiversAdd>;

const declareReceiversDelete = (rcv: Command) => receiverFlags(rcv.command('delete').description('remove a receiver'));
export type ReceiversDeleteOptions = OptionsOf<typeof declareReceiversDelete>;

function registerReceivers(ps: Command, rt: Runtime): void {
  const rcv = ps.command('receivers').description('who splits may go to');
  declareReceiversAdd(rcv)
    .addHelpText(
      'after',
      ex(
        '  wxpay profitsharing receivers add --type MERCHANT_ID --account 1900000109 --name 深圳某某餐饮有限公司 --relation STORE',
      ),
    )
    .action(lazy(rt, () => import('../commands/profitsharing-receivers-add.js')));
  declareReceiversDelete(rcv)
    .addHelpText('after', ex('  wxpay profitsharing receivers delete --type MERCHANT_ID --account 1900000109'))
    .action(lazy(rt, () => import('../commands/profitsharing-receivers-delete.js')));
}

const declareBill = (ps: Command) =>
  ps
    .command('bill')
    .description('the profit-sharing bill of one day, downloaded and SHA1-checked like the other bills')
    .requiredOption('--date <YYYY-MM-DD>', 'the bill day (China time), or yesterday / today')
    .option('--gzip', 'ask for a gzip download; the SHA1 is still of the uncompressed file')
    .option('--output <file>', 'write here (only once the SHA1 matched); default: stdout')
    .addOption(
      new Option('--format <format>', 'raw, csv, json or ndjson').choices(['raw', 'csv', 'json', 'ndjson'] as const),
    )
    .option('--sub-mchid <id>', "partner mode: one sub-merchant's bill")
    .option('--summary', 'print the summary block as a table');
export type ProfitsharingBillOptions = OptionsOf<typeof declareBill>;

export function registerProfitsharing(program: Command, rt: Runtime): void {
  const ps = program.command('profitsharing').description('profit sharing (分账): split paid orders among receivers');
  registerOrders(ps, rt);
  registerReturns(ps, rt);
  registerReceivers(ps, rt);
  declareBill(ps)
    .addHelpText('after', ex('  wxpay profitsharing bill --date yesterday --output splits.csv'))
    .action(lazy(rt, () => import('../commands/profitsharing-bill.js')));
}
