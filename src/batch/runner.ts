// The batch executor. For each planned row: wait for a rate token, journal `start` (fsynced) before a
// mutating request leaves, send, journal the outcome. An unknown outcome (timeout, network, 5xx, 429,
// unverifiable answer) is never followed by a blind resend: when the operation has a look-up (refunds, by
// out_refund_no) the row is looked up first, and sent again with the same body only if WeChat Pay has no
// record of it. A look-up that cannot answer leaves the row `unknown`, never `done`, so no rerun skips it.
import type { RateLimiter } from './flow.js';
import { runPool } from './flow.js';
import type { PlannedRow } from './plan.js';
import type { BatchRow, JournalRecord, Outcome, RowResult } from './types.js';

export interface BatchOps {
  /** The request body for a row: journaled with `start` and compared on resume. */
  request(row: BatchRow): unknown;
  send(row: BatchRow): Promise<Exclude<Outcome, { kind: 'not-found' }>>;
  /** Asks WeChat Pay whether an earlier send took effect. Absent when resending is harmless. */
  lookup?(row: BatchRow): Promise<Outcome>;
  /** Reads the current state of a row an earlier run finished (closes), so a rerun reports it fresh. */
  recheck?(row: BatchRow): Promise<Exclude<Outcome, { kind: 'not-found' }>>;
  /** Mutating sends get an fsynced `start` record first; read-only ones do not need it. */
  mutating: boolean;
}

export interface RunOptions {
  plan: readonly PlannedRow[];
  ops: BatchOps;
  journal: { append(record: JournalRecord): Promise<void> };
  limiter: RateLimiter;
  concurrency: number;
  /** Requests per row in this run before it is left `unknown` for a rerun. */
  maxAttempts?: number;
  /** Wait before retry n (1-based) of the same row. */
  retryDelayMs?: (attempt: number) => number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  stopped?: () => boolean;
  onResult?: (result: RowResult) => void;
}

export const defaultRetryDelay = (attempt: number): number => {
  const ceiling = Math.min(2000, 100 * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
};

/** Runs the plan; returns one result per planned row, in input order. */
export async function runBatch(o: RunOptions): Promise<RowResult[]> {
  const maxAttempts = o.maxAttempts ?? 8;
  const delay = o.retryDelayMs ?? defaultRetryDelay;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const at = () => new Date((o.now ?? Date.now)()).toISOString();
  const stopped = o.stopped ?? (() => false);
  const results = new Map<PlannedRow, RowResult>();
  /** Sleeps in half-second slices, so a stop (Ctrl-C) during a long wait is seen at once. */
  const pause = async (ms: number) => {
    for (let left = ms; left > 0 && !stopped(); left -= 500) await sleep(Math.min(500, left));
  };

  const finish = (p: PlannedRow, r: RowResult) => {
    results.set(p, r);
    o.onResult?.(r);
  };

  const feed = (out: Outcome) => {
    if (out.kind === 'unknown') out.rateLimited ? o.limiter.onRateLimited() : o.limiter.onFailure();
    else o.limiter.onSuccess();
  };

  async function settle(p: PlannedRow, out: Extract<Outcome, { kind: 'succeeded' | 'rejected' }>): Promise<void> {
    const { key, line } = p.row;
    const facts =
      out.kind === 'succeeded'
        ? {
            ...(out.id ? { id: out.id } : {}),
            ...(out.state ? { state: out.state } : {}),
            ...(out.message ? { message: out.message } : {}),
          }
        : { code: out.code, message: out.message };
    const order = out.kind === 'succeeded' && out.order ? { order: out.order } : {};
    await o.journal.append({ type: 'done', key, status: out.kind, ...facts, ...order, at: at() });
    finish(p, { line, key, status: out.kind, ...facts });
  }

  async function recheck(p: PlannedRow): Promise<void> {
    await o.limiter.take();
    if (stopped() || !o.ops.recheck) return;
    const now = await o.ops.recheck(p.row);
    feed(now);
    const earlier = { ...p.result!, fromJournal: true };
    if (now.kind === 'succeeded') {
      const { state, message: _m, ...kept } = earlier;
      return finish(p, {
        ...kept,
        ...(now.state ? { state: now.state } : {}),
        message: [earlier.message, 'finished by an earlier run; state checked again now'].filter(Boolean).join('; '),
      });
    }
    // The earlier outcome stands, but its current state is not known: unfinished, so the rerun checks again.
    finish(p, {
      line: p.row.line,
      key: p.row.key,
      status: 'unknown',
      code: now.code,
      message: `finished by an earlier run (${earlier.status}); its state could not be checked: ${now.message}`,
    });
  }

  async function processRow(p: PlannedRow): Promise<void> {
    if (p.action === 'recheck') return recheck(p);
    const { row } = p;
    let mode = p.action;
    let last: Extract<Outcome, { kind: 'unknown' }> | undefined;
    let sent = false;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (attempt > 1) await pause(Math.max(delay(attempt - 1), last?.retryAfterMs ?? 0));
      await o.limiter.take();
      if (stopped()) break;
      if (mode === 'verify' && o.ops.lookup) {
        const found = await o.ops.lookup(row);
        feed(found);
        if (found.kind === 'not-found') {
          mode = 'send';
          await o.limiter.take();
          if (stopped()) break;
        } else if (found.kind === 'succeeded') {
          return settle(p, { ...found, message: found.message ?? 'already done (found by look-up)' });
        } else if (found.kind === 'rejected') {
          // A definite answer that forbids sending (the number is taken by a different refund).
          return settle(p, found);
        } else {
          last = found;
          // A refused look-up (400, 401, ...) will not answer differently if asked again in this run.
          if (found.retriable === false) break;
          continue;
        }
      }
      if (o.ops.mutating)
        await o.journal.append({ type: 'start', key: row.key, line: row.line, request: o.ops.request(row), at: at() });
      sent = true;
      const out = await o.ops.send(row);
      feed(out);
      if (out.kind !== 'unknown') return settle(p, out);
      last = out;
      await o.journal.append({ type: 'unknown', key: row.key, code: out.code, message: out.message, at: at() });
      if (o.ops.lookup) mode = 'verify';
    }
    if (!last && !sent && p.action === 'send')
      return finish(p, {
        line: row.line,
        key: row.key,
        status: 'pending',
        message: 'not sent: the batch was interrupted',
      });
    finish(p, {
      line: row.line,
      key: row.key,
      status: 'unknown',
      code: last?.code ?? 'NOT_CHECKED',
      message:
        last?.message ?? 'an earlier run left this row unfinished and it was not checked before the batch stopped',
    });
  }

  const todo = o.plan.filter((p) => p.action !== 'skip');
  for (const p of o.plan) if (p.action === 'skip' && p.result) finish(p, p.result);
  await runPool(todo, o.concurrency, processRow, stopped);
  return o.plan.map((p) => results.get(p) ?? pendingResult(p));
}

function pendingResult(p: PlannedRow): RowResult {
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
