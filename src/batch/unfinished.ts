// The result of a row a run did not finish: never sent (pending), or sent or to be checked with no known outcome
// (unknown). An `unknown` row is never skipped by a rerun: it is looked up first.
import type { PlannedRow } from './plan.js';
import type { Outcome, RowResult } from './types.js';

/** A row the runner worked on but left unfinished: out of attempts, a refused look-up, or a stop. */
export function unfinishedResult(
  p: PlannedRow,
  last: Extract<Outcome, { kind: 'unknown' }> | undefined,
  sent: boolean,
): RowResult {
  const { line, key } = p.row;
  if (!last && !sent && p.action === 'send')
    return { line, key, status: 'pending', message: 'not sent: the batch was interrupted' };
  return {
    line,
    key,
    status: 'unknown',
    code: last?.code ?? 'NOT_CHECKED',
    message: last?.message ?? 'an earlier run left this row unfinished and it was not checked before the batch stopped',
  };
}

/** A row the runner never reached (the batch was stopped first). */
export function pendingResult(p: PlannedRow): RowResult {
  if (p.action === 'recheck')
    return {
      ...p.result!,
      fromJournal: true,
      message: [p.result!.message, 'finished by an earlier run; not checked again: the batch was interrupted']
        .filter(Boolean)
        .join('; '),
    };
  return p.action === 'verify'
    ? {
        line: p.row.line,
        key: p.row.key,
        status: 'unknown',
        code: 'NOT_CHECKED',
        message: 'an earlier run left this row unfinished; rerun to check it',
      }
    : { line: p.row.line, key: p.row.key, status: 'pending', message: 'not sent: the batch was interrupted' };
}
