// Batch command options: parsing and bounds for --concurrency and --rate, the default journal and result
// paths beside the input (`refunds.csv` -> `refunds.journal.ndjson`, `refunds.result.csv`), single-order
// options that make no sense with --from, and the "invalid file" error that lists every bad line.
import path from 'node:path';
import { WxpayError } from '../protocol/errors.js';
import type { CsvProblem } from '../batch/csv-read.js';
import type { CommandContext } from '../runtime.js';
import type { BatchFlagOptions } from '../cli/batch-flags.js';
import type { TransferCreateOptions } from '../cli/transfer.js';
import { intOption } from './shared.js';
import { reportsOf } from './transfer-input.js';

/** The batch flags, transfer create's flags that apply to every row, and (indexed) any single-order flag to refuse. */
export type BatchOptions = BatchFlagOptions &
  Pick<TransferCreateOptions, 'appid' | 'perception' | 'sceneReport'> & { [single: string]: unknown };

export interface BatchSettings {
  concurrency: number;
  rate: number;
  dryRun: boolean;
  yes: boolean;
}

const usage = (message: string, hint: string) => new WxpayError('USAGE', message, { hint });

/** Options of the single-order commands that a batch takes from the file instead. */
const SINGLE_ONLY = [
  'outTradeNo',
  'transactionId',
  'outRefundNo',
  'amount',
  'total',
  'yuan',
  'reason',
  'subMchid',
  'notifyUrl',
  // transfer create: --appid, --perception and --scene-report apply to every row of a transfer batch.
  'outBillNo',
  'openid',
  'sceneId',
  'remark',
  'userName',
];

export function batchOptions(ctx: Pick<CommandContext<BatchOptions>, 'opts' | 'args'>): BatchSettings {
  const { opts } = ctx;
  const stray = SINGLE_ONLY.find((k) => opts[k] !== undefined);
  if (stray)
    throw usage(
      `--${stray.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} cannot be combined with --from`,
      'With --from every row comes from the CSV file; drop the single-order options.',
    );
  if (ctx.args.some((a) => a !== undefined))
    throw usage(
      `Give either an order number or --from <file.csv>, not both (got "${ctx.args.find((a) => a !== undefined) as string}")`,
      'With --from every row comes from the CSV file.',
    );
  if (opts.from === '-' || opts.from === '')
    throw usage(
      '--from needs a file path',
      'A batch reads a file (not stdin) so that it can be resumed from its journal.',
    );
  const concurrency = intOption(opts.concurrency, '--concurrency') ?? 4;
  if (concurrency < 1 || concurrency > 64)
    throw usage(
      `--concurrency must be 1 to 64, got ${concurrency}`,
      'The default, 4, is enough for 50 requests per second.',
    );
  const rate = opts.rate === undefined ? 50 : Number(opts.rate);
  if (!/^\d+(\.\d+)?$/.test(opts.rate ?? '50') || !(rate > 0) || rate > 10_000) {
    throw usage(
      `--rate must be a number of requests per second above 0, got "${opts.rate}"`,
      'WeChat Pay allows 150 refunds per second (6 for failing requests); the default is 50.',
    );
  }
  return { concurrency, rate, dryRun: Boolean(opts.dryRun), yes: Boolean(opts.yes) };
}

export function batchPaths(cwd: string, from: string, journal: string | undefined) {
  const input = path.resolve(cwd, from);
  const stem = input.replace(/\.csv$/i, '');
  return {
    input,
    journalFile: journal ? path.resolve(cwd, journal) : `${stem}.journal.ndjson`,
    resultFile: `${stem}.result.csv`,
  };
}

export function invalidFile(file: string, problems: readonly CsvProblem[]): WxpayError {
  const shown = problems.slice(0, 1000).map((p) => `  line ${p.line}: ${p.message}`);
  if (problems.length > shown.length)
    shown.push(`  ... and ${problems.length - shown.length} more (all of them are in the --json error details)`);
  return new WxpayError(
    'BATCH_INVALID_FILE',
    `${file} has ${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing was sent:\n${shown.join('\n')}`,
    {
      hint: 'Fix the lines listed and run the same command again. Amounts are integer fen (分); the file must be UTF-8.',
      details: { file, problems },
    },
  );
}

/** A transfer batch's fields common to every row: the AppID, and --perception / --scene-report if given. */
export function transferSettingsOf(opts: BatchOptions, profileAppid: string | undefined) {
  const appid = opts.appid ?? profileAppid;
  if (!appid) throw usage('No AppID: set appid in the profile or give --appid', 'The openids belong to this AppID.');
  const reports = reportsOf(opts.sceneReport);
  return {
    appid,
    ...(typeof opts.perception === 'string' ? { perception: opts.perception } : {}),
    ...(reports.length ? { reports } : {}),
  };
}
