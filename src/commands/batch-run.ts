// `wxpay refund create|query|close --from <file.csv>`: the batch. Validate the whole file, plan against the
// journal of any earlier run, confirm, then send with bounded concurrency and a rate limit, journaling each
// row (fsynced) before and after its request. SIGINT stops taking rows, lets requests in flight finish, and
// says how to resume. Exit 0 only if every row succeeded, 5 if WeChat Pay rejected any, 4 if unfinished.
import { WxpayError } from '../core/errors.js';
import { readCsv } from '../batch/csv-read.js';
import { RateLimiter } from '../batch/flow.js';
import { Journal, readJournal } from '../batch/journal.js';
import { lockJournal } from '../batch/journal-lock.js';
import { opsFor } from '../batch/ops.js';
import { foldJournal, planBatch } from '../batch/plan.js';
import { ProgressBar } from '../batch/progress.js';
import { resultCsv, writeFileAtomic } from '../batch/result-csv.js';
import { runBatch } from '../batch/runner.js';
import type { BatchKind, RowResult } from '../batch/types.js';
import { validateRows } from '../batch/validate.js';
import type { CommandContext } from '../runtime.js';
import { batchOptions, batchPaths, invalidFile, type BatchOptions } from './batch-options.js';
import { confirmBatch, printDryRun, printSummary, resumeHint, summarize } from './batch-report.js';
import { buildClient } from './client-context.js';
import { outputFor, readInput } from './shared.js';

export async function runBatchCommand(kind: BatchKind, ctx: CommandContext<BatchOptions>): Promise<void> {
  const { rt } = ctx;
  const settings = batchOptions(ctx);
  const { input, journalFile, resultFile } = batchPaths(rt.cwd, ctx.opts.from!, ctx.opts.journal);
  const parsed = readCsv(await readInput(rt, input, 'batch file'));
  if ('problems' in parsed) throw invalidFile(input, parsed.problems);
  const valid = validateRows(kind, parsed.table);
  if ('problems' in valid) throw invalidFile(input, valid.problems);
  const rows = valid.rows;

  const previous = await readJournal(journalFile);
  const states = foldJournal(previous?.records ?? [], kind, journalFile);
  const out = outputFor(ctx);
  // The client never retries by itself here: every retry goes through the journal, the look-up and the rate limit.
  const { client, profile } = await buildClient(ctx, { maxAttempts: 1 });
  try {
    const ops = opsFor(kind, client, profile.notifyUrl ? { notifyUrl: profile.notifyUrl } : {});
    const planned = planBatch({ rows, states, requestOf: (row) => ops.request(row), lookupFirst: Boolean(ops.lookup) });
    if ('conflicts' in planned) {
      throw new WxpayError('BATCH_JOURNAL_CONFLICT', `${input} no longer matches ${journalFile}:\n${planned.conflicts.map((c) => `  line ${c.line}: ${c.message}`).join('\n')}`, {
        hint: 'A row that was already sent must be resent with the same body. Restore the file as it was, or use a new out_refund_no and a new --journal for a changed refund.',
        details: { problems: planned.conflicts },
      });
    }
    const { plan } = planned;
    if (plan.orphans.length) out.warn(`${plan.orphans.length} unfinished row(s) in ${journalFile} are not in ${input}: ${plan.orphans.slice(0, 5).join(', ')}${plan.orphans.length > 5 ? ', ...' : ''}; check them by hand`);
    if (settings.rate > 150 && /weixin\.qq\.com|wechatpay\.cn/.test(client.baseUrl)) out.warn(`--rate ${settings.rate} is above WeChat Pay's 150 requests/s; expect FREQUENCY_LIMITED answers and slow-downs`);
    if (settings.dryRun) return printDryRun(ctx, kind, client, plan.rows, settings);
    await confirmBatch(ctx, kind, plan.rows, client.baseUrl);

    const lock = await lockJournal(journalFile);
    let journal: Journal | undefined;
    let stopping = false;
    const offSignal = rt.onSignal(() => {
      if (stopping) return;
      stopping = true;
      // A second Ctrl-C gets the default (quit at once), which is safe: every request in flight is journaled as started.
      offSignal();
      out.note('\nStopping: finishing the requests in flight and writing the journal; nothing new is sent (Ctrl-C again quits at once, also safe)...');
    });
    const started = rt.now();
    const results: RowResult[] = [];
    try {
      journal = await Journal.open(journalFile, previous?.validBytes ?? 0, { durable: ops.mutating });
      if (!previous?.records.some((r) => r.type === 'batch')) await journal.append({ type: 'batch', v: 1, kind, input, at: new Date(rt.now()).toISOString() });
      const skipped = plan.rows.filter((p) => p.action === 'skip');
      const counts = { done: skipped.length, failed: skipped.filter((p) => p.result?.status !== 'succeeded').length };
      const bar = rt.stderr.isTTY ? new ProgressBar(rt.stderr, rows.length, counts, () => rt.now()) : undefined;
      results.push(...await runBatch({
        plan: plan.rows,
        ops,
        journal,
        limiter: new RateLimiter({ rate: settings.rate }),
        concurrency: settings.concurrency,
        now: () => rt.now(),
        stopped: () => stopping,
        onResult(r) {
          if (out.json) out.event({ type: 'row', ...r });
          if (!r.fromJournal && r.status !== 'pending') {
            counts.done++;
            if (r.status !== 'succeeded') counts.failed++;
            bar?.update(counts);
          }
        },
      }));
      bar?.finish();
    } finally {
      offSignal();
      await journal?.close();
      await lock.release();
    }
    await writeFileAtomic(resultFile, resultCsv(kind, rows, results));
    const summary = summarize(kind, rows, results, { input, journalFile, resultFile, elapsedMs: rt.now() - started, interrupted: stopping });
    printSummary(ctx, summary);
    const resume = resumeHint(kind, ctx.opts);
    if (summary.rejected) {
      throw new WxpayError('BATCH_REJECTED', `WeChat Pay rejected ${summary.rejected} of ${rows.length} rows (see ${resultFile})`, {
        hint: `Read the code and message of each rejected row in the result file.${summary.unknown + summary.pending ? ` ${summary.unknown + summary.pending} row(s) are unfinished: ${resume}` : ''}`,
        details: { summary },
      });
    }
    if (stopping) throw new WxpayError('BATCH_INTERRUPTED', `Interrupted: ${rows.length - summary.pending - summary.unknown} of ${rows.length} rows finished; the journal is saved in ${journalFile}`, { hint: `To resume, run: ${resume}`, details: { summary } });
    if (summary.unknown || summary.pending) {
      throw new WxpayError('BATCH_INCOMPLETE', `${summary.unknown} row(s) have no known outcome yet (timeouts, 5xx or 429; see ${resultFile})`, { hint: `Rerun to check them first and finish: ${resume}`, details: { summary } });
    }
  } finally {
    await client.close();
  }
}
