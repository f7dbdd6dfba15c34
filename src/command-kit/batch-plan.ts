// Planning a CSV batch run (batch-run.ts): fold the journal into per-row states and plan each row, after the
// ledger guard for refunds (batch/refund-guard.ts looks up unknown outcomes first). A file that no longer matches
// its journal is refused here, before anything is sent.
import { WxpayError } from '../protocol/errors.js';
import type { RateLimiter } from '../batch/flow.js';
import type { Journal } from '../batch/journal.js';
import { foldJournal, planBatch, type Plan } from '../batch/plan.js';
import { guardRefunds } from '../batch/refund-guard.js';
import type { BatchOps } from '../batch/runner.js';
import type { BatchKind, BatchRow, JournalRecord } from '../batch/types.js';
import type { CommandContext } from '../runtime.js';
import type { BatchOptions, BatchSettings, batchPaths } from './batch-options.js';

type Paths = ReturnType<typeof batchPaths>;

export interface PlanRunOptions {
  kind: BatchKind;
  ctx: CommandContext<BatchOptions>;
  rows: BatchRow[];
  ops: BatchOps;
  /** The journal's records so far; the refund guard appends its look-up results. */
  records: JournalRecord[];
  paths: Paths;
  /** Absent for --dry-run and read-only batches. */
  journal: Journal | undefined;
  limiter: RateLimiter;
  settings: BatchSettings;
  /** The request timeout (batch/in-flight.ts). */
  inFlightMs: number;
  warn: (message: string) => void;
}

/** The plan of this run; refunds with a look-up pass the guard first so no order is refunded twice. */
export async function planRun(o: PlanRunOptions): Promise<Plan> {
  const { kind, rows, ops, paths, settings } = o;
  const planOf = (recs: readonly JournalRecord[]) => planFrom(kind, rows, ops, recs, paths);
  if (kind !== 'refund' || !ops.lookup) return planOf(o.records);
  return guardRefunds({
    rows,
    records: o.records,
    journalFile: paths.journalFile,
    inputFile: paths.input,
    yes: settings.yes || settings.dryRun,
    allowAdditional: Boolean(o.ctx.opts.allowAdditionalRefund),
    ...(o.journal ? { journal: o.journal } : {}),
    lookup: ops.lookup,
    limiter: o.limiter,
    concurrency: settings.concurrency,
    inFlightMs: o.inFlightMs,
    now: () => o.ctx.rt.now(),
    warn: o.warn,
    plan: planOf,
  });
}

/** Rows the journal knows but the file lost: their outcome is still unknown, so the operator must hear of them. */
export function warnOrphans(kind: BatchKind, plan: Plan, paths: Paths, warn: (message: string) => void): void {
  if (!plan.orphans.length) return;
  warn(
    `${plan.orphans.length} row(s) in ${paths.journalFile} that are not in ${paths.input} still have no known outcome: ${plan.orphans.slice(0, 5).join(', ')}${plan.orphans.length > 5 ? ', ...' : ''}; ${kind === 'refund' ? 'they count as possibly made (check: wxpay refund query <out_refund_no>)' : 'add them back to the file to finish them'}`,
  );
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
