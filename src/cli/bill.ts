// Declarations: wxpay bill trade | fundflow (issue 7): apply, download (streamed, gunzipped and SHA1-checked), then
// write raw / csv / json / ndjson; and wxpay bill reconcile (issue 17).
import { Option, type Command, type OptionValues } from '@commander-js/extra-typings';
import type { Runtime } from '../runtime.js';
import { lazy, type OptionsOf } from './lazy.js';

const FORMATS = ['raw', 'csv', 'json', 'ndjson'] as const;

// Generic so the flags it adds stay in the command's derived options type.
const common = <A extends unknown[], O extends OptionValues, G extends OptionValues>(cmd: Command<A, O, G>) =>
  cmd
    .requiredOption(
      '--date <YYYY-MM-DD>',
      'the bill day (China time), or yesterday / today; ready after 10:00 the next day, kept 3 months',
    )
    .option('--gzip', 'ask for a gzip download (tar_type=GZIP); the SHA1 is still of the uncompressed file')
    .option('--output <file>', 'write here (only once the SHA1 matched); default: stdout')
    .addOption(
      new Option(
        '--format <format>',
        "raw = as sent; csv = no backticks, RFC 4180; json/ndjson = typed rows (default: from --output's extension, else csv)",
      ).choices(FORMATS),
    )
    .option('--summary', 'print the summary block (totals) as a table');

const declareBillReconcile = (bill: Command) =>
  bill
    .command('reconcile')
    .description("compare the day's trade bill with your own records and the webhook journal (exit 8 on differences)")
    .requiredOption('--date <YYYY-MM-DD>', 'the bill day (China time), or yesterday / today')
    .option('--bill <file>', 'a downloaded trade bill (bill trade --type ALL --format raw); default: download it')
    .option('--orders <file>', 'your records: CSV with a header line, or .ndjson')
    .option(
      '--map <pairs>',
      'columns of --orders: out_trade_no=, amount= (fen) or amount_yuan= (yuan), state= (default: same names)',
    )
    .option('--journal <file>', "webhook serve's journal: report payments and refunds without a callback")
    .addOption(
      new Option('--format <format>', "report format (default: from --out's extension, else table)").choices([
        'table',
        'csv',
        'json',
      ]),
    )
    .option('--out <file>', 'write the report here (atomically); default: stdout');
export type BillReconcileOptions = OptionsOf<typeof declareBillReconcile>;

const declareTrade = (bill: Command) =>
  common(
    bill
      .command('trade')
      .description('the trade bill (交易账单) of one day')
      .addOption(
        new Option('--type <type>', 'bill_type').choices(['ALL', 'SUCCESS', 'REFUND'] as const).default('ALL' as const),
      )
      .option('--sub-mchid <id>', "partner mode: one sub-merchant's bill"),
  );
export type TradeBillOptions = OptionsOf<typeof declareTrade>;

const declareFundflow = (bill: Command) =>
  common(
    bill
      .command('fundflow')
      .description('the fund-flow bill (资金账单) of one day and account')
      .addOption(
        new Option('--account <type>', 'account_type')
          .choices(['BASIC', 'OPERATION', 'FEES'] as const)
          .default('BASIC' as const),
      ),
  );
export type FundflowBillOptions = OptionsOf<typeof declareFundflow>;

export function registerBill(program: Command, rt: Runtime): void {
  const bill = program.command('bill').description('download, verify and convert trade and fund-flow bills');
  declareTrade(bill)
    .addHelpText(
      'after',
      '\nExamples:\n  wxpay bill trade --date 2026-01-02 --output trade.csv\n  wxpay bill trade --date 2026-01-02 --type REFUND --gzip --format ndjson --output refunds.ndjson --summary',
    )
    .action(lazy(rt, () => import('../commands/bill-trade.js')));
  declareFundflow(bill)
    .addHelpText(
      'after',
      '\nExample:\n  wxpay bill fundflow --date 2026-01-02 --account BASIC --gzip --output funds.json',
    )
    .action(lazy(rt, () => import('../commands/bill-fundflow.js')));
  declareBillReconcile(bill)
    .addHelpText(
      'after',
      '\nExample:\n  wxpay bill reconcile --date yesterday --orders orders.csv --map out_trade_no=order_id,amount=total_fen,state=status --journal wxpay-webhooks.ndjson --out report.csv',
    )
    .action(lazy(rt, () => import('../commands/bill-reconcile.js')));
}
