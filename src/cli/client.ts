// Declarations for the operator commands (issue 4): prepay, query, close, refund create/query, certs
// download/list, api. Actions lazy-import src/commands/*. `query`, `close` and `refund create` keep their
// positionals optional-friendly so a batch `--from <file.csv>` option can be added beside them.
import { Command, Option } from 'commander';
import type { Runtime } from '../runtime.js';
import { collect, lazy } from './lazy.js';
import { addBatchOptions, batchable } from './batch.js';

const ex = (lines: string) => `\nExample:\n${lines}`;

export function registerClient(program: Command, rt: Runtime): void {
  program
    .command('prepay')
    .description('create an order and print prepay_id / code_url / h5_url (amounts in integer fen)')
    .argument('<kind>', 'jsapi, app, h5 or native')
    .option('--out-trade-no <no>', '(required) your order number, 6-32 of [0-9A-Za-z_-|*]')
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
    .option('--qr', 'native: draw code_url as a QR code in the terminal')
    .option('--dry-run', 'print the request and the message to sign, unsigned, without sending it')
    .addHelpText(
      'after',
      ex(
        '  wxpay prepay native --out-trade-no ORDER20260101001 --amount 100 --description "T-shirt" --qr\n  wxpay prepay jsapi --out-trade-no ORDER20260101002 --amount 1 --description Tea --openid oUpF8uMuAJO_M2pxb1Q9zNjWeS6o',
      ),
    )
    .action(lazy(rt, () => import('../commands/prepay.js')));

  program
    .command('query')
    .description("an order's state, amount, payer and time (the whole object with --json)")
    .argument('[out_trade_no]', 'your order number')
    .option('--transaction-id <id>', "query by WeChat Pay's transaction_id instead")
    .option('--sub-mchid <id>', 'partner mode: the sub-merchant')
    .addHelpText(
      'after',
      ex('  wxpay query ORDER20260101001\n  wxpay query --transaction-id 4200000000000000000000000000 --json'),
    )
    .action(batchable(rt, 'query', () => import('../commands/query.js')));

  program
    .command('close')
    .description('close an unpaid order')
    .argument('[out_trade_no]', 'your order number')
    .option('--sub-mchid <id>', 'partner mode: the sub-merchant')
    .option('--dry-run', 'print the request and the message to sign, unsigned, without sending it')
    .addHelpText('after', ex('  wxpay close ORDER20260101001'))
    .action(batchable(rt, 'close', () => import('../commands/close.js')));

  const refund = program.command('refund').description('create and query refunds');
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
    .option('--dry-run', 'print the request and the message to sign, unsigned, without sending it')
    .addHelpText(
      'after',
      ex(
        '  wxpay refund create --out-trade-no ORDER20260101001 --out-refund-no R20260101001 --amount 50 --total 100 --yes',
      ),
    )
    .action(batchable(rt, 'refund', () => import('../commands/refund-create.js')));
  refund
    .command('query')
    .description("a refund's status and amounts")
    .argument('[out_refund_no]', 'your refund number')
    .option('--sub-mchid <id>', 'partner mode: the sub-merchant')
    .addHelpText('after', ex('  wxpay refund query R20260101001 --json'))
    .action(lazy(rt, () => import('../commands/refund-query.js')));

  const certs = program.command('certs').description('WeChat Pay platform certificates');
  certs
    .command('download')
    .description(
      'fetch, decrypt and verify the platform certificates; save wechatpay_<SERIAL>.pem (needs the APIv3 key)',
    )
    .option('--output <dir>', "folder to save into (default: the profile's platformCertDir)")
    .option('--known-cert <pem>', 'verify the response with this certificate instead of the downloaded ones')
    .addHelpText(
      'after',
      ex(
        '  wxpay certs download --output ./certs\n  wxpay certs download --known-cert ./certs/wechatpay_5DEA10EF55877E3CF6C33255C2E7DEFFF7E427EC.pem',
      ),
    )
    .action(lazy(rt, () => import('../commands/certs-download.js')));
  certs
    .command('list')
    .description('the platform certificates on disk, with expiry warnings')
    .option('--dir <dir>', "folder to read (default: the profile's platformCertDir)")
    .addHelpText('after', ex('  wxpay certs list --json'))
    .action(lazy(rt, () => import('../commands/certs-list.js')));

  program
    .command('api')
    .description('call any v3 endpoint, signed and verified; prints the raw JSON response')
    .argument('<method>', 'GET, POST, PUT, PATCH or DELETE')
    .argument('<path>', 'path starting with /v3/ (the host comes from the profile)')
    .option('--data <json>', 'request body (sent byte for byte as given)')
    .option('--data-file <file>', 'read the body from a file; "-" reads stdin')
    .option('--query <k=v>', 'query parameter (repeatable)', collect)
    .option('--idempotent', 'the body carries an idempotency key: allow retries of this write')
    .option('--dry-run', 'print the request and the message to sign, unsigned, without sending it')
    .addHelpText(
      'after',
      ex(
        '  wxpay api GET /v3/pay/transactions/out-trade-no/ORDER20260101001 --query mchid=1900007291\n  wxpay api POST /v3/refund/domestic/refunds --data-file refund.json',
      ),
    )
    .action(lazy(rt, () => import('../commands/api.js')));
  addBatchOptions(program, ['query'], ['close'], ['refund', 'create']);
}
