// Send a confirmed batch plan: bounded concurrency and a rate limit, each row journaled before and after its
// request, a progress line on a TTY, and SIGINT as "stop taking rows, let requests in flight finish". Then the
// result CSV, the summary and the exit rule. Runtime-free: the command-kit passes the clock, signals and output.
import { writeFileSafe } from '../files/safe-write.js';
import type { RateLimiter } from './flow.js';
import type { Journal } from './journal.js';
import type { Plan } from './plan.js';
import { ProgressBar, type ProgressStream } from './progress.js';
import { resultCsv } from './result-csv.js';
import { runBatch, type BatchOps } from './runner.js';
import { batchOutcome, summarize, type BatchSummary } from './summary.js';
import type { BatchKind, BatchRow, RowResult } from './types.js';

export interface ExecuteOptions {
  kind: BatchKind;
  rows: BatchRow[];
  plan: Plan;
  ops: BatchOps;
  /** Absent for read-only batches (queries), which keep no journal. */
  journal: Journal | undefined;
  limiter: RateLimiter;
  concurrency: number;
  /** The request timeout (in-flight.ts). */
  inFlightMs: number;
  paths: { input: string; journalFile: string; resultFile: string };
  now: () => number;
  /** Registers a SIGINT handler; returns the function that removes it. */
  onSignal: (handler: () => void) => () => void;
  /** Where the progress line goes; only given when stderr is a TTY. */
  progress: ProgressStream | undefined;
  note: (message: string) => void;
  /** Each row's result as it arrives (the --json NDJSON events). */
  onRow: (result: RowResult) => void;
  printSummary: (summary: BatchSummary) => void;
  /** The command that resumes this batch, for the hint of an unfinished one. */
  resume: string;
}

export async function executeBatch(o: ExecuteOptions): Promise<void> {
  const { kind, rows, paths } = o;
  const started = o.now();
  const { results, stopping } = await sendRows(o);
  await writeFileSafe(paths.resultFile, resultCsv(kind, rows, results));
  const summary = summarize(kind, rows, results, {
    ...paths,
    ...(o.ops.mutating ? {} : { journalFile: undefined }),
    elapsedMs: o.now() - started,
    interrupted: stopping,
  });
  o.printSummary(summary);
  const error = batchOutcome(summary, {
    resume: o.resume,
    resultFile: paths.resultFile,
    journalFile: o.journal ? paths.journalFile : undefined,
  });
  if (error) throw error;
}

async function sendRows(o: ExecuteOptions): Promise<{ results: RowResult[]; stopping: boolean }> {
  // Read-only batches (queries) keep no journal: every run asks again.
  const noJournal = { append: () => Promise.resolve() };
  let stopping = false;
  const offSignal = o.onSignal(() => {
    if (stopping) return;
    stopping = true;
    // A second Ctrl-C gets the default (quit at once), which is safe: every request in flight is journaled as started.
    offSignal();
    o.note(
      '\nStopping: finishing the requests in flight and writing the journal; nothing new is sent (Ctrl-C again quits at once, also safe)...',
    );
  });
  try {
    const earlier = o.plan.rows.filter((p) => p.result);
    const counts = { done: earlier.length, failed: earlier.filter((p) => p.result?.status !== 'succeeded').length };
    const bar = o.progress ? new ProgressBar(o.progress, o.rows.length, counts, o.now) : undefined;
    const results = await runBatch({
      plan: o.plan.rows,
      ops: o.ops,
      journal: o.journal ?? noJournal,
      limiter: o.limiter,
      concurrency: o.concurrency,
      inFlightMs: o.inFlightMs,
      now: o.now,
      stopped: () => stopping,
      onResult(r) {
        o.onRow(r);
        if (r.fromJournal || r.status === 'pending') return;
        counts.done++;
        if (r.status !== 'succeeded') counts.failed++;
        bar?.update(counts);
      },
    });
    bar?.finish();
    return { results, stopping };
  } finally {
    offSignal();
  }
}
