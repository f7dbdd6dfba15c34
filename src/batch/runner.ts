// The batch executor. For each planned row: wait for a rate token, journal `start` (fsynced) before a
// mutating request leaves, send, journal the outcome. An unknown outcome (timeout, network, 5xx, 429,
// unverifiable answer) is never followed by a blind resend: when the operation has a look-up (refunds, by
// out_refund_no) the row is looked up first, and sent again with the same body only if WeChat Pay has no
// record of it (a "not found" soon after a send that got no answer is asked again first: in-flight.ts). A look-up
// that cannot answer leaves the row `unknown`, never `done`, so no rerun skips it.
import type { RateLimiter } from './flow.js';
import { runPool } from './flow.js';
import { settledLookup } from './in-flight.js';
import type { PlannedRow } from './plan.js';
import { pendingResult, unfinishedResult } from './unfinished.js';
import { runContext, type RunContext } from './run-context.js';
import type { BatchRow, JournalRecord, Outcome, RowResult } from './types.js';

export interface BatchOps {
  /** The request body for a row: journaled with `start` and compared on resume. */
  request: (row: BatchRow) => unknown;
  send: (row: BatchRow) => Promise<Exclude<Outcome, { kind: 'not-found' }>>;
  /** Asks WeChat Pay whether an earlier send took effect. Absent when resending is harmless. */
  lookup?: (row: BatchRow) => Promise<Outcome>;
  /** Reads the current state of a row an earlier run finished (closes), so a rerun reports it fresh. */
  recheck?: (row: BatchRow) => Promise<Exclude<Outcome, { kind: 'not-found' }>>;
  /** Mutating sends get an fsynced `start` record first; read-only ones do not need it. */
  mutating: boolean;
}

export interface RunOptions {
  plan: readonly PlannedRow[];
  ops: BatchOps;
  journal: { append(record: JournalRecord): Promise<void> };
  limiter: RateLimiter;
  concurrency: number;
  /** The request timeout: how long WeChat Pay may still act on a send that got no answer (in-flight.ts). */
  inFlightMs: number;
  /** Requests per row in this run before it is left `unknown` for a rerun. */
  maxAttempts?: number;
  /** Wait before retry n (1-based) of the same row. */
  retryDelayMs?: (attempt: number) => number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  stopped?: () => boolean;
  onResult?: (result: RowResult) => void;
}

/** Runs the plan; returns one result per planned row, in input order. */
export async function runBatch(o: RunOptions): Promise<RowResult[]> {
  const results = new Map<PlannedRow, RowResult>();
  const c = runContext(o, results);
  const todo = o.plan.filter((p) => p.action !== 'skip');
  for (const p of o.plan) if (p.action === 'skip' && p.result) c.finish(p, p.result);
  await runPool(todo, o.concurrency, (p) => processRow(c, p), c.stopped);
  return o.plan.map((p) => results.get(p) ?? pendingResult(p));
}

/** Journals a definite answer as `done` and reports it. */
async function settle(
  c: RunContext,
  p: PlannedRow,
  out: Extract<Outcome, { kind: 'succeeded' | 'rejected' }>,
): Promise<void> {
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
  await c.o.journal.append({ type: 'done', key, status: out.kind, ...facts, ...order, at: c.at() });
  c.finish(p, { line, key, status: out.kind, ...facts });
}

/** Reads the current state of a row an earlier run finished, so a rerun reports it fresh. */
async function recheck(c: RunContext, p: PlannedRow): Promise<void> {
  await c.o.limiter.take();
  if (c.stopped() || !c.o.ops.recheck) return;
  const now = await c.o.ops.recheck(p.row);
  c.feed(now);
  const earlier = { ...p.result!, fromJournal: true };
  if (now.kind === 'succeeded') {
    const { state, message: _m, ...kept } = earlier;
    c.finish(p, {
      ...kept,
      ...(now.state ? { state: now.state } : {}),
      message: [earlier.message, 'finished by an earlier run; state checked again now'].filter(Boolean).join('; '),
    });
    return;
  }
  // The earlier outcome stands, but its current state is not known: unfinished, so the rerun checks again.
  c.finish(p, {
    line: p.row.line,
    key: p.row.key,
    status: 'unknown',
    code: now.code,
    message: `finished by an earlier run (${earlier.status}); its state could not be checked: ${now.message}`,
  });
}

/** Looks a row up (the rate token for the first ask is already taken); a premature "not found" is asked again. */
async function lookUp(
  c: RunContext,
  row: BatchRow,
  lookup: NonNullable<BatchOps['lookup']>,
  sentAt?: number,
): Promise<Outcome> {
  const ask = async () => {
    const found = await lookup(row);
    c.feed(found);
    return found;
  };
  return settledLookup(await ask(), sentAt, c.inFlight, async () => {
    await c.o.limiter.take();
    return ask();
  });
}

async function processRow(c: RunContext, p: PlannedRow): Promise<void> {
  if (p.action === 'recheck') return recheck(c, p);
  const { o, stopped } = c;
  const { row } = p;
  let mode = p.action;
  let last: Extract<Outcome, { kind: 'unknown' }> | undefined;
  let sent = false;
  let sentAt = p.sentAt;
  for (let attempt = 1; attempt <= c.maxAttempts; attempt++) {
    if (attempt > 1) await c.pause(Math.max(c.delay(attempt - 1), last?.retryAfterMs ?? 0));
    await o.limiter.take();
    if (stopped()) break;
    if (mode === 'verify' && o.ops.lookup) {
      const found = await lookUp(c, row, o.ops.lookup, sentAt);
      if (found.kind === 'not-found') {
        mode = 'send';
        await o.limiter.take();
        if (stopped()) break;
      } else if (found.kind === 'succeeded') {
        return settle(c, p, { ...found, message: found.message ?? 'already done (found by look-up)' });
      } else if (found.kind === 'rejected') {
        // A definite answer that forbids sending (the number is taken by a different refund).
        return settle(c, p, found);
      } else {
        last = found;
        // A refused look-up (400, 401, ...) will not answer differently if asked again in this run.
        if (found.retriable === false) break;
        continue;
      }
    }
    if (o.ops.mutating)
      await o.journal.append({ type: 'start', key: row.key, line: row.line, request: o.ops.request(row), at: c.at() });
    sent = true;
    const out = await o.ops.send(row);
    c.feed(out);
    if (out.kind !== 'unknown') return settle(c, p, out);
    last = out;
    // An answer (a 500, a 429) means WeChat Pay is done with the request. No answer means it may still be on its
    // way until now, and then be acted on: the wait is counted from here.
    sentAt = out.inFlight ? c.now() : undefined;
    await o.journal.append({ type: 'unknown', key: row.key, code: out.code, message: out.message, at: c.at() });
    if (o.ops.lookup) mode = 'verify';
  }
  c.finish(p, unfinishedResult(p, last, sent));
}
