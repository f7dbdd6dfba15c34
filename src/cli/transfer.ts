// Declarations for `wxpay transfer …`, merchant transfers (docs/protocol.md §12). Actions lazy-import src/commands/*.
import type { Command } from '@commander-js/extra-typings';
import type { Runtime } from '../runtime.js';
import { collect, lazy, type OptionsOf } from './lazy.js';
import { addBatchOptions, batchable } from './batch-flags.js';

const ex = (lines: string) => `\nExample:\n${lines}`;
const DRY_RUN = 'print the request and the message to sign, unsigned, without sending it';

const declareCreate = (transfer: Command) =>
  transfer
    .command('create')
    .description('start a transfer; prints the package_info the payee confirms with (asks on a TTY; --yes without one)')
    .option('--out-bill-no <no>', '(required) your bill number, 5-32 letters and digits; reuse it when retrying')
    .option('--openid <id>', "(required) the payee's openid under the AppID")
    .option('--amount <fen>', '(required) amount in integer fen (分)')
    .option('--yuan', 'read --amount as yuan (e.g. 12.30)')
    .option('--scene-id <id>', '(required) transfer scene, e.g. 1000 (现金营销) or 1005 (佣金报酬)')
    .option('--remark <text>', '(required) remark the payee sees, up to 32 characters')
    .option(
      '--user-name <name>',
      "payee's real name: encrypted (RSA-OAEP) to WeChat Pay's key; required from 2000 yuan",
    )
    .option('--scene-report <type=content>', 'a scene report item, repeatable (e.g. 活动名称=新会员有礼)', collect)
    .option('--perception <text>', 'user_recv_perception, what the payee is told the money is for')
    .option('--notify-url <url>', "callback URL (default: the profile's notifyUrl)")
    .option('--appid <id>', "AppID (default: the profile's appid)")
    .option('--yes', 'do not ask for confirmation')
    .option('--dry-run', DRY_RUN);
export type TransferCreateOptions = OptionsOf<typeof declareCreate>;

const declareQuery = (transfer: Command) =>
  transfer
    .command('query')
    .description("a transfer's state (the whole object with --json)")
    .argument('[out_bill_no]', 'your bill number')
    .option('--transfer-bill-no <no>', "query by WeChat Pay's transfer_bill_no instead");
export type TransferQueryOptions = OptionsOf<typeof declareQuery>;

const declareCancel = (transfer: Command) =>
  transfer
    .command('cancel')
    .description('cancel a transfer the payee has not confirmed (CANCELING, then CANCELLED)')
    .argument('<out_bill_no>', 'your bill number')
    .option('--yes', 'do not ask for confirmation')
    .option('--dry-run', DRY_RUN);
export type TransferCancelOptions = OptionsOf<typeof declareCancel>;

const declareReceiptDownload = (receipt: Command) =>
  receipt
    .command('download')
    .description('download the receipt file; written only if its SHA256 matches hash_value')
    .argument('<out_bill_no>', 'your bill number')
    .option('--output <file>', 'where to write it (default: receipt_<out_bill_no>.pdf)');
export type ReceiptDownloadOptions = OptionsOf<typeof declareReceiptDownload>;

export function registerTransfer(program: Command, rt: Runtime): void {
  const transfer = program
    .command('transfer')
    .description("merchant transfers to a user's WeChat balance (商家转账): create, query, cancel, receipts");
  declareCreate(transfer)
    .addHelpText(
      'after',
      ex(
        '  wxpay transfer create --out-bill-no TB20260101001 --openid o-MYE42l80oelYMDE34nYD456Xoy --amount 500 \\\n    --scene-id 1000 --remark 新会员有礼 --scene-report 活动名称=新会员有礼 --scene-report 奖励说明=注册抽奖 --yes',
      ),
    )
    .action(batchable(rt, 'transfer', () => import('../commands/transfer-create.js')));
  declareQuery(transfer)
    .addHelpText('after', ex('  wxpay transfer query TB20260101001 --json'))
    .action(lazy(rt, () => import('../commands/transfer-query.js')));
  declareCancel(transfer)
    .addHelpText('after', ex('  wxpay transfer cancel TB20260101001 --yes'))
    .action(lazy(rt, () => import('../commands/transfer-cancel.js')));
  registerReceipt(transfer, rt);
  addBatchOptions(program, ['transfer', 'create']);
}

function registerReceipt(transfer: Command, rt: Runtime): void {
  const receipt = transfer.command('receipt').description('electronic receipts (电子回单) of finished transfers');
  receipt
    .command('apply')
    .description('ask for the receipt of a SUCCESS transfer')
    .argument('<out_bill_no>', 'your bill number')
    .addHelpText('after', ex('  wxpay transfer receipt apply TB20260101001'))
    .action(lazy(rt, () => import('../commands/transfer-receipt-apply.js')));
  receipt
    .command('query')
    .description("the receipt's state and SHA256 once FINISHED")
    .argument('<out_bill_no>', 'your bill number')
    .addHelpText('after', ex('  wxpay transfer receipt query TB20260101001'))
    .action(lazy(rt, () => import('../commands/transfer-receipt-query.js')));
  declareReceiptDownload(receipt)
    .addHelpText('after', ex('  wxpay transfer receipt download TB20260101001 --output receipt.pdf'))
    .action(lazy(rt, () => import('../commands/transfer-receipt-download.js')));
}
