// `wxpay bill reconcile --date D [--bill file] [--orders mine.csv] [--journal wxpay-webhooks.ndjson]`: the three-way
// comparison of the day's trade bill, the merchant's records and the webhook journal (src/reconcile/). The report
// is always written, then the command fails with RECONCILE_MISMATCH (exit 8) if anything disagrees.
import { createReadStream, existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { once } from 'node:events';
import path from 'node:path';
import type { BillReconcileOptions } from '../cli/bill.js';
import { checkBillDate } from '../bills/dates.js';
import { commitTemp, refuseSymlink, tempPathFor } from '../files/safe-write.js';
import { WxpayError } from '../protocol/errors.js';
import { reconcile, type ReconcileStats } from '../reconcile/index.js';
import { tempRoot, type CommandContext } from '../runtime.js';
import { withClient } from '../command-kit/client-context.js';
import { REPORT_FORMATS, ReportWriter, type ReportFormat } from '../command-kit/reconcile-report.js';
import { outputFor } from '../command-kit/shared.js';
import { downloadTradeBill } from '../command-kit/trade-bill-file.js';

type Ctx = CommandContext<BillReconcileOptions>;

function inputFile(ctx: Ctx, file: string | undefined, flag: string): string | undefined {
  if (file === undefined) return undefined;
  const full = path.resolve(ctx.rt.cwd, file);
  if (!existsSync(full))
    throw new WxpayError('USAGE', `${flag} ${file} does not exist`, { hint: `Check the path given to ${flag}.` });
  return full;
}

function formatOf(ctx: Ctx, json: boolean): ReportFormat {
  const ext = path
    .extname(ctx.opts.out ?? '')
    .slice(1)
    .toLowerCase();
  return ctx.opts.format ?? REPORT_FORMATS.find((f) => f === ext) ?? (json ? 'json' : 'table');
}

async function copyToStdout(ctx: Ctx, file: string): Promise<void> {
  for await (const chunk of createReadStream(file))
    if (!ctx.rt.stdout.write(chunk as Buffer)) await once(ctx.rt.stdout, 'drain');
}

function summary(ctx: Ctx, stats: ReconcileStats): void {
  const out = outputFor(ctx);
  const total = Object.values(stats.counts).reduce((a, b) => a + b, 0);
  const say = ctx.opts.out ? (t: string) => out.line(t) : (t: string) => out.note(t);
  if (out.json && ctx.opts.out) out.data({ report: ctx.opts.out, ...stats });
  else if (!out.json)
    say(
      `${stats.billRows} bill rows, ${stats.mineRows ?? 'no'} merchant rows, ${stats.callbacks ?? 'no'} callbacks: ` +
        `${total === 0 ? 'everything matches' : `${total} difference(s)`}${ctx.opts.out ? `; report in ${ctx.opts.out}` : ''}`,
    );
}

export async function run(ctx: Ctx): Promise<void> {
  const { opts, rt } = ctx;
  const date = checkBillDate(opts.date, rt.now());
  const out = outputFor(ctx);
  const format = formatOf(ctx, out.json);
  const mineFile = inputFile(ctx, opts.orders, '--orders');
  const journalFile = inputFile(ctx, opts.journal, '--journal');
  const target = opts.out ? path.resolve(rt.cwd, opts.out) : undefined;
  if (target) await refuseSymlink(target);
  // mkdtemp makes the folder 0700: the bill and the sort's runs (order numbers, amounts) stay private.
  const dir = await mkdtemp(path.join(tempRoot(rt), 'wxpay-reconcile-'));
  try {
    let billFile = inputFile(ctx, opts.bill, '--bill');
    if (!billFile) {
      billFile = path.join(dir, 'trade-bill.csv');
      const file = billFile;
      await withClient(ctx, ({ client }) => downloadTradeBill(client, date, file, rt.now()));
    }
    const reportFile = target ? tempPathFor(target) : path.join(dir, 'report');
    const writer = new ReportWriter(reportFile, format, { date });
    let stats: ReconcileStats;
    try {
      stats = await reconcile({ dir, billFile, mineFile, map: opts.map, journalFile }, (f) => writer.add(f));
      writer.finish(stats);
    } catch (e) {
      writer.close();
      await rm(reportFile, { force: true });
      throw e;
    }
    if (target) await commitTemp(reportFile, target);
    else await copyToStdout(ctx, reportFile);
    summary(ctx, stats);
    const total = Object.values(stats.counts).reduce((a, b) => a + b, 0);
    if (total > 0)
      throw new WxpayError('RECONCILE_MISMATCH', `The ${date} reconciliation found ${total} difference(s)`, {
        hint: `The report${opts.out ? ` (${opts.out})` : ''} lists each by category and out_trade_no.`,
        details: { counts: stats.counts },
      });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
