// The resume planner: folds an earlier run's journal into one decision per row. Finished rows are skipped
// (their outcome is carried into the result file); rows whose outcome is unknown (started but never
// finished, or timeout/5xx/429) are looked up first where a look-up exists (refunds, by out_refund_no);
// the rest are sent. Where finished rows can be re-checked for free (closes: the order's state), they are, so a
// rerun never reports a stale state. A row whose request differs from what the journal says was sent is a conflict, and
// blocks the batch: re-sending an out_refund_no with a different body is how double refunds happen.
import { WxpayError } from '../protocol/errors.js';
import type { CsvProblem } from './csv-read.js';
import { journalTime } from './in-flight.js';
import type { BatchKind, BatchRow, JournalRecord, RowResult } from './types.js';

export interface RowState {
  request?: unknown;
  started: boolean;
  /** When the last `start` was journaled (ms): its request may still be in WeChat Pay's hands for a while. */
  startedAt?: number | undefined;
  done?: Extract<JournalRecord, { type: 'done' }>;
  unknown?: Extract<JournalRecord, { type: 'unknown' }>;
}

export type RowAction = 'skip' | 'recheck' | 'verify' | 'send';

export interface PlannedRow {
  row: BatchRow;
  action: RowAction;
  /** For skipped and re-checked rows: the outcome recorded by the earlier run. */
  result?: RowResult;
  /** For rows to verify: when an earlier run last sent it (in-flight.ts decides when a "not found" counts). */
  sentAt?: number;
}

export interface Plan {
  rows: PlannedRow[];
  /** Journal rows that were started but never finished and are no longer in the file. */
  orphans: string[];
}

export function foldJournal(
  records: readonly JournalRecord[],
  kind: BatchKind,
  file = 'journal',
): Map<string, RowState> {
  const states = new Map<string, RowState>();
  for (const r of records) {
    if (r.type === 'batch') {
      if (r.kind !== kind) {
        throw new WxpayError('BATCH_JOURNAL_CONFLICT', `${file} belongs to a ${r.kind} batch, not a ${kind} batch`, {
          hint: 'Pass the journal of this batch with --journal, or a new path for a new batch.',
        });
      }
      continue;
    }
    const s = states.get(r.key) ?? { started: false };
    if (r.type === 'start')
      Object.assign(s, { started: true, request: r.request, unknown: undefined, startedAt: journalTime(r.at) });
    else if (r.type === 'absent')
      Object.assign(s, { started: false, request: undefined, unknown: undefined, startedAt: undefined });
    else if (r.type === 'done') s.done = r;
    else s.unknown = r;
    states.set(r.key, s);
  }
  return states;
}

/** JSON with sorted keys, so two equal request bodies compare equal whatever order they were built in. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  // JSON.stringify answers undefined (its types say string) for undefined, functions and symbols.
  const text: unknown = JSON.stringify(value);
  return typeof text === 'string' ? text : 'null';
}

export function planBatch(opts: {
  rows: readonly BatchRow[];
  states: ReadonlyMap<string, RowState>;
  requestOf: (row: BatchRow) => unknown;
  /** Whether an unknown outcome must be looked up before sending again (true for refunds). */
  lookupFirst: boolean;
  /** Whether finished rows have their state read again (closes) instead of being carried over as recorded. */
  recheckFinished?: boolean;
}): { plan: Plan } | { conflicts: CsvProblem[] } {
  const conflicts: CsvProblem[] = [];
  const rows: PlannedRow[] = opts.rows.map((row) => {
    const s = opts.states.get(row.key);
    if (s?.request !== undefined && stableJson(s.request) !== stableJson(opts.requestOf(row))) {
      conflicts.push({
        line: row.line,
        message: `${row.key} differs from the request the journal recorded: journal ${stableJson(s.request)}, file ${stableJson(opts.requestOf(row))}`,
      });
    }
    if (s?.done) {
      const d = s.done;
      const result: RowResult = { line: row.line, key: row.key, status: d.status, fromJournal: true, ...pick(d) };
      return { row, action: opts.recheckFinished ? 'recheck' : 'skip', result };
    }
    if (s && (s.started || s.unknown))
      return opts.lookupFirst
        ? { row, action: 'verify', ...(s.startedAt === undefined ? {} : { sentAt: s.startedAt }) }
        : { row, action: 'send' };
    return { row, action: 'send' };
  });
  if (conflicts.length) return { conflicts };
  const inFile = new Set(opts.rows.map((r) => r.key));
  const orphans = [...opts.states]
    .filter(([k, s]) => !inFile.has(k) && !s.done && (s.started || s.unknown))
    .map(([k]) => k);
  return { plan: { rows, orphans } };
}

function pick(d: NonNullable<RowState['done']>): Partial<RowResult> {
  return {
    ...(d.id ? { id: d.id } : {}),
    ...(d.state ? { state: d.state } : {}),
    ...(d.code ? { code: d.code } : {}),
    ...(d.message ? { message: d.message } : {}),
  };
}
