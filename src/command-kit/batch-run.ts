// `wxpay refund create|query|close --from <file.csv>`: the batch. Validate the whole file, lock and read the
// journal of any earlier run (refunds and closes; a query batch keeps no journal and asks again for every row on
// every run, so it never reports a stale state). Refunds then pass the ledger guard (batch/refund-guard.ts:
// unknown outcomes looked up, no order refunded twice). Plan, confirm, then send with bounded concurrency and a
// rate limit, journaling each row (fsynced) before and after its request. SIGINT stops taking rows, lets
// requests in flight finish, and says how to resume. Exit 0 only if every row succeeded; 4 if unfinished
// (whatever else happened); 5 if it finished and WeChat Pay rejected any row.
import { WxpayError } from '../protocol/errors.js';
import { readCsv } from '../batch/csv-read.js';
import { executeBatch } from '../batch/execute.js';
import { RateLimiter } from '../batch/flow.js';
import { Journal, readJournal } from '../batch/journal.js';
import { lockJournal, type JournalLock } from '../batch/journal-lock.js';
import { opsFor } from '../batch/ops.js';
import { foldJournal, planBatch, type Plan } from '../batch/plan.js';
import type { BatchOps } from '../batch/runner.js';
import { guardRefunds } from '../batch/refund-guard.js';
import { gatedOps } from '../batch/send-gate.js';
import type { BatchKind, BatchRow, JournalRecord } from '../batch/types.js';
import { validateRows } from '../batch/validate.js';
import type { CommandContext } from '../runtime.js';
import { batchOptions, batchPaths, invalidFile, transferSettingsOf, type BatchOptions } from './batch-options.js';
import { confirmBatch, printDryRun, printSummary, resumeHint } from './batch-report.js';
import { ledgerUrlOf, openLedgerGate } from './batch-ledger.js';
import { buildClient } from './client-context.js';
import { outputFor, readInput } from './shared.js';

type Paths = ReturnType<typeof batchPaths>;

export async function runBatchCommand(kind: BatchKind, ctx: CommandContext<BatchOptions>): Promise<void> {
  const settings = batchOptions(ctx);
  const paths = batchPaths(ctx.rt.cwd, ctx.opts.from!, ctx.opts.journal);
  const parsed = readCsv(await readInput(ctx.rt, paths.input, 'batch file'));
  if ('problems' in parsed) throw invalidFile(paths.input, parsed.problems);
  const valid = validateRows(kind, parsed.table);
  if ('problems' in valid) throw invalidFile(paths.input, valid.problems);
  // The client never retries by itself here: every retry goes through the journal, the look-up and the rate limit.
  const { client, profile } = await buildClient(ctx, { maxAttempts: 1 });
  const opsSettings = {
    ...(profile.notifyUrl ? { notifyUrl: profile.notifyUrl } : {}),
    ...(kind === 'transfer' ? { transfer: transferSettingsOf(ctx.opts, profile.appid) } : {}),
  };
  let ops = opsFor(kind, client, opsSettings);
  // Lock before reading the journal, so no other run can finish rows after we planned them as unsent.
  const lock: JournalLock | undefined =
    settings.dryRun || !ops.mutating ? undefined : await lockJournal(paths.journalFile);
  let journal: Journal | undefined;
  let ledger: Awaited<ReturnType<typeof sharedLedger>>;
  try {
    const gateFor = {
      mchid: client.merchant.mchid,
      journalFile: paths.journalFile,
      concurrency: settings.concurrency,
      profileLedger: profile.ledger,
    };
    ledger = settings.dryRun ? undefined : await sharedLedger(kind, ctx, gateFor);
    if (ledger) ops = gatedOps(ops, ledger.gate);
    const previous = ops.mutating ? await readJournal(paths.journalFile) : undefined;
    const records = [...(previous?.records ?? [])];
    if (ops.mutating && !settings.dryRun) {
      journal = await Journal.open(paths.journalFile, previous?.validBytes ?? 0);
      if (!records.some((r) => r.type === 'batch'))
        await journal.append({
          type: 'batch',
          v: 1,
          kind,
          input: paths.input,
          at: new Date(ctx.rt.now()).toISOString(),
        });
    }
    const out = outputFor(ctx);
    const limiter = new RateLimiter({ rate: settings.rate });
    const planOf = (recs: readonly JournalRecord[]) => planFrom(kind, valid.rows, ops, recs, paths);
    const plan =
      kind === 'refund' && ops.lookup
        ? await guardRefunds({
            rows: valid.rows,
            records,
            journalFile: paths.journalFile,
            inputFile: paths.input,
            yes: settings.yes || settings.dryRun,
            allowAdditional: Boolean(ctx.opts.allowAdditionalRefund),
            ...(journal ? { journal } : {}),
            lookup: ops.lookup,
            limiter,
            concurrency: settings.concurrency,
            inFlightMs: client.timeoutMs,
            now: () => ctx.rt.now(),
            warn: (m) => out.warn(m),
            plan: planOf,
          })
        : planOf(records);
    if (plan.orphans.length)
      out.warn(
        `${plan.orphans.length} row(s) in ${paths.journalFile} that are not in ${paths.input} still have no known outcome: ${plan.orphans.slice(0, 5).join(', ')}${plan.orphans.length > 5 ? ', ...' : ''}; ${kind === 'refund' ? 'they count as possibly made (check: wxpay refund query <out_refund_no>)' : 'add them back to the file to finish them'}`,
      );
    if (settings.rate > 150 && /weixin\.qq\.com|wechatpay\.cn/.test(client.baseUrl))
      out.warn(
        `--rate ${settings.rate} is above WeChat Pay's 150 requests/s; expect FREQUENCY_LIMITED answers and slow-downs`,
      );
    if (settings.dryRun) {
      printDryRun(ctx, kind, client, plan.rows, settings, opsSettings);
      return;
    }
    if (!(await confirmBatch(ctx, kind, plan.rows, client.baseUrl))) return;
    await executeBatch({
      kind,
      rows: valid.rows,
      plan,
      ops,
      journal,
      limiter,
      concurrency: settings.concurrency,
      inFlightMs: client.timeoutMs,
      paths,
      now: () => ctx.rt.now(),
      onSignal: (handler) => ctx.rt.onSignal(handler),
      progress: ctx.rt.stderr.isTTY ? ctx.rt.stderr : undefined,
      note: (m) => out.note(m),
      onRow: (r) => {
        if (out.json) out.event({ type: 'row', ...r });
      },
      printSummary: (summary) => printSummary(ctx, summary),
      resume: resumeHint(kind, ctx.opts),
    });
  } finally {
    await ledger?.close();
    await journal?.close();
    await lock?.release();
    await client.close();
  }
}

/** The shared ledger (--ledger, else the profile's `ledger` or WXPAY_LEDGER) for refunds and transfers; other batches ignore WXPAY_LEDGER. */
async function sharedLedger(
  kind: BatchKind,
  ctx: CommandContext<BatchOptions>,
  o: { mchid: string; journalFile: string; concurrency: number; profileLedger: string | undefined },
) {
  const { profileLedger, ...gate } = o;
  const url = ledgerUrlOf(ctx.opts.ledger, profileLedger);
  if (!url || (kind !== 'refund' && kind !== 'transfer')) return undefined;
  return openLedgerGate({ url, kind, ...gate, allowAdditional: Boolean(ctx.opts.allowAdditionalRefund) });
}

function planFrom(
  kind: BatchKind,
  rows: BatchRow[],
  ops: BatchOps,
  records: readonly JournalRecord[],
  paths: Paths,
): Plan {
  const states = foldJournal(records, kind, paths.journalFile);
  const planned = planBatch({
    rows,
    states,
    requestOf: (row) => ops.request(row),
    lookupFirst: Boolean(ops.lookup),
    recheckFinished: Boolean(ops.recheck),
  });
  if ('plan' in planned) return planned.plan;
  throw new WxpayError(
    'BATCH_JOURNAL_CONFLICT',
    `${paths.input} no longer matches ${paths.journalFile}; nothing was sent:\n${planned.conflicts.map((c) => `  line ${c.line}: ${c.message}`).join('\n')}`,
    {
      hint:
        kind === 'refund'
          ? 'Each listed row was sent before, so WeChat Pay may already have made that refund. Put the row back as the journal recorded it and rerun: that finishes it without refunding twice. To change a refund, check it first with `wxpay refund query <out_refund_no>`: a new out_refund_no or a new --journal does not undo it, and a second refund of the same order is refused.'
          : 'Each listed row was sent before. Put it back as the journal recorded it and rerun.',
      details: { problems: planned.conflicts },
    },
  );
}
