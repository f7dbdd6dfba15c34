// `wxpay refund create|query|close --from <file.csv>`: the batch. Validate the whole file, lock and read the
// journal of any earlier run (refunds and closes; a query batch keeps no journal and asks again for every row on
// every run, so it never reports a stale state). Refunds then pass the ledger guard (batch/refund-guard.ts:
// unknown outcomes looked up, no order refunded twice). Plan, confirm, then send with bounded concurrency and a
// rate limit, journaling each row (fsynced) before and after its request. SIGINT stops taking rows, lets
// requests in flight finish, and says how to resume. Exit 0 only if every row succeeded; 4 if unfinished
// (whatever else happened); 5 if it finished and WeChat Pay rejected any row.
import { readCsv } from '../batch/csv-read.js';
import { executeBatch } from '../batch/execute.js';
import { RateLimiter } from '../batch/flow.js';
import { Journal, readJournal } from '../batch/journal.js';
import { lockJournal, type JournalLock } from '../batch/journal-lock.js';
import { opsFor } from '../batch/ops.js';
import type { Plan } from '../batch/plan.js';
import type { BatchOps } from '../batch/runner.js';
import { gatedOps } from '../batch/send-gate.js';
import type { BatchKind, BatchRow, JournalRecord } from '../batch/types.js';
import { validateRows } from '../batch/validate.js';
import type { CommandContext } from '../runtime.js';
import {
  batchOptions,
  batchPaths,
  invalidFile,
  transferSettingsOf,
  type BatchOptions,
  type BatchSettings,
} from './batch-options.js';
import { planRun, warnOrphans } from './batch-plan.js';
import { confirmBatch, printDryRun, printSummary, resumeHint } from './batch-report.js';
import { ledgerUrlOf, openLedgerGate } from './batch-ledger.js';
import { buildClient } from './client-context.js';
import { outputFor, readInput } from './shared.js';

type Paths = ReturnType<typeof batchPaths>;
type Client = Awaited<ReturnType<typeof buildClient>>['client'];
type Output = ReturnType<typeof outputFor>;

export async function runBatchCommand(kind: BatchKind, ctx: CommandContext<BatchOptions>): Promise<void> {
  const settings = batchOptions(ctx);
  const paths = batchPaths(ctx.rt.cwd, ctx.opts.from!, ctx.opts.journal);
  const rows = await readValidRows(kind, ctx, paths.input);
  // The client never retries by itself here: every retry goes through the journal, the look-up and the rate limit.
  // Rows go out concurrently, so their RSA signs run on the thread pool, not one after another on the event loop.
  // --ledger is a profile flag too: it outranks the rc's `ledger`, so a found rc's ledger is neither used nor refused.
  const profileFlags = ctx.opts.ledger ? { ledger: ctx.opts.ledger } : {};
  const { client, profile } = await buildClient(ctx, { maxAttempts: 1, signOffLoop: true, profileFlags });
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
    if (ops.mutating && !settings.dryRun)
      journal = await openJournal(kind, ctx, paths, { records, validBytes: previous?.validBytes ?? 0 });
    const out = outputFor(ctx);
    const limiter = new RateLimiter({ rate: settings.rate });
    const inFlightMs = client.timeoutMs;
    const warn = (m: string) => out.warn(m);
    const plan = await planRun({ kind, ctx, rows, ops, records, paths, journal, limiter, settings, inFlightMs, warn });
    warnOrphans(kind, plan, paths, warn);
    warnAboveRateLimit(settings, client, warn);
    if (settings.dryRun) {
      printDryRun(ctx, kind, client, plan.rows, settings, opsSettings);
      return;
    }
    if (!(await confirmBatch(ctx, kind, plan.rows, client.baseUrl))) return;
    await sendRows({ kind, ctx, out, rows, plan, ops, journal, limiter, settings, inFlightMs, paths });
  } finally {
    await ledger?.close();
    await journal?.close();
    await lock?.release();
    await client.close();
  }
}

/** The file's rows after the whole file passed parsing and validation; one bad row refuses the batch. */
async function readValidRows(kind: BatchKind, ctx: CommandContext<BatchOptions>, input: string): Promise<BatchRow[]> {
  const parsed = readCsv(await readInput(ctx.rt, input, 'batch file'));
  if ('problems' in parsed) throw invalidFile(input, parsed.problems);
  const valid = validateRows(kind, parsed.table);
  if ('problems' in valid) throw invalidFile(input, valid.problems);
  return valid.rows;
}

/** Opens the journal for appending after its last valid record; a new journal starts with the batch record. */
async function openJournal(
  kind: BatchKind,
  ctx: CommandContext<BatchOptions>,
  paths: Paths,
  previous: { records: readonly JournalRecord[]; validBytes: number },
): Promise<Journal> {
  const journal = await Journal.open(paths.journalFile, previous.validBytes);
  if (!previous.records.some((r) => r.type === 'batch'))
    await journal.append({ type: 'batch', v: 1, kind, input: paths.input, at: new Date(ctx.rt.now()).toISOString() });
  return journal;
}

/** WeChat Pay's own hosts throttle above 150 requests/s; a sandbox or mock may take more. */
function warnAboveRateLimit(settings: BatchSettings, client: Client, warn: (message: string) => void): void {
  if (settings.rate > 150 && /weixin\.qq\.com|wechatpay\.cn/.test(client.baseUrl))
    warn(
      `--rate ${settings.rate} is above WeChat Pay's 150 requests/s; expect FREQUENCY_LIMITED answers and slow-downs`,
    );
}

/** Sends the planned rows (batch/execute.ts), wiring progress, --json row events and the summary to this command. */
async function sendRows(o: {
  kind: BatchKind;
  ctx: CommandContext<BatchOptions>;
  out: Output;
  rows: BatchRow[];
  plan: Plan;
  ops: BatchOps;
  journal: Journal | undefined;
  limiter: RateLimiter;
  settings: BatchSettings;
  inFlightMs: number;
  paths: Paths;
}): Promise<void> {
  const { ctx, out } = o;
  await executeBatch({
    kind: o.kind,
    rows: o.rows,
    plan: o.plan,
    ops: o.ops,
    journal: o.journal,
    limiter: o.limiter,
    concurrency: o.settings.concurrency,
    inFlightMs: o.inFlightMs,
    paths: o.paths,
    now: () => ctx.rt.now(),
    onSignal: (handler) => ctx.rt.onSignal(handler),
    progress: ctx.rt.stderr.isTTY ? ctx.rt.stderr : undefined,
    note: (m) => out.note(m),
    onRow: (r) => {
      if (out.json) out.event({ type: 'row', ...r });
    },
    printSummary: (summary) => printSummary(ctx, summary),
    resume: resumeHint(o.kind, ctx.opts),
  });
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
