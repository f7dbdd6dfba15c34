// What a finished (or stopped) batch adds up to, and the exit rule that follows from it. Pure: the command-kit
// prints the summary; this decides which error, if any, ends the run.
import { WxpayError } from '../protocol/errors.js';
import type { BatchKind, BatchRow, RowResult } from './types.js';

export interface BatchSummary {
  kind: BatchKind;
  rows: number;
  succeeded: number;
  rejected: number;
  unknown: number;
  pending: number;
  fromJournal: number;
  /** Refunds: fen refunded by the succeeded rows. */
  amount?: number;
  codes: Record<string, number>;
  input: string;
  /** Absent for read-only batches, which keep no journal. */
  journal?: string;
  result: string;
  elapsedMs: number;
  interrupted: boolean;
}

export function summarize(
  kind: BatchKind,
  rows: readonly BatchRow[],
  results: readonly RowResult[],
  f: { input: string; journalFile?: string | undefined; resultFile: string; elapsedMs: number; interrupted: boolean },
): BatchSummary {
  const count = (s: RowResult['status']) => results.filter((r) => r.status === s).length;
  const codes: Record<string, number> = {};
  for (const r of results) if (r.status !== 'succeeded' && r.code) codes[r.code] = (codes[r.code] ?? 0) + 1;
  const amount = rows.reduce((sum, row, i) => sum + (results[i]?.status === 'succeeded' ? (row.amount ?? 0) : 0), 0);
  return {
    kind,
    rows: rows.length,
    succeeded: count('succeeded'),
    rejected: count('rejected'),
    unknown: count('unknown'),
    pending: count('pending'),
    fromJournal: results.filter((r) => r.fromJournal).length,
    ...(kind === 'refund' ? { amount } : {}),
    codes,
    input: f.input,
    ...(f.journalFile ? { journal: f.journalFile } : {}),
    result: f.resultFile,
    elapsedMs: f.elapsedMs,
    interrupted: f.interrupted,
  };
}

/**
 * The rule (README, "Exit codes"): an unfinished batch exits 4 whatever else happened, because the first thing to
 * do is rerun the same command; only a finished batch with rejected rows exits 5. Undefined when all succeeded.
 */
export function batchOutcome(
  summary: BatchSummary,
  f: { resume: string; resultFile: string; journalFile: string | undefined },
): WxpayError | undefined {
  const unfinished = summary.unknown + summary.pending;
  const rejected = summary.rejected ? ` (${summary.rejected} rejected by WeChat Pay; see ${f.resultFile})` : '';
  if (summary.interrupted) {
    return new WxpayError(
      'BATCH_INTERRUPTED',
      `Interrupted: ${summary.rows - unfinished} of ${summary.rows} rows finished${rejected}${f.journalFile ? `; the journal is saved in ${f.journalFile}` : ''}`,
      { hint: `To resume, run: ${f.resume}`, details: { summary } },
    );
  }
  if (unfinished) {
    return new WxpayError(
      'BATCH_INCOMPLETE',
      `${summary.unknown} row(s) have no known outcome yet (timeouts, 5xx or 429; see ${f.resultFile})${rejected}`,
      { hint: `Rerun to check them first and finish: ${f.resume}`, details: { summary } },
    );
  }
  if (summary.rejected) {
    return new WxpayError(
      'BATCH_REJECTED',
      `WeChat Pay rejected ${summary.rejected} of ${summary.rows} rows (see ${f.resultFile})`,
      {
        hint: 'Read the code and message of each rejected row in the result file.',
        details: { summary },
      },
    );
  }
  return undefined;
}
