// What a refund batch checks before it sends anything, so that no order is refunded twice whatever happened to
// the file, the journal or the process: (1) a new journal for orders other refund journals beside it have
// seen needs --yes, and the refunds of those journals join the ledger on every run; (2) unknown outcomes in the
// journal, and in the others beside it, are looked up (journaled in ours only); (3) every row to send is checked
// against the ledger of refunds made or possibly made (this journal and the others beside it).
import path from 'node:path';
import { WxpayError } from '../protocol/errors.js';
import type { RateLimiter } from './flow.js';
import type { InFlightRule } from './in-flight.js';
import { ledgerOf, ledgerProblems, settled } from './ledger.js';
import { scanOtherJournals, type OtherJournals } from './other-journals.js';
import type { Plan } from './plan.js';
import { resolveUnknownRefunds } from './preflight.js';
import type { BatchOps } from './runner.js';
import type { BatchRow, JournalRecord } from './types.js';

export interface RefundGuardOptions {
  rows: readonly BatchRow[];
  /** The journal's records so far; look-up results are appended to it. */
  records: JournalRecord[];
  journalFile: string;
  inputFile: string;
  yes: boolean;
  allowAdditional: boolean;
  /** Absent for --dry-run: nothing is looked up, unknown outcomes count as possibly made. */
  journal?: { append(record: JournalRecord): Promise<void> };
  lookup: NonNullable<BatchOps['lookup']>;
  limiter: RateLimiter;
  concurrency: number;
  /** The request timeout: a refund sent less than this long ago may still be made (in-flight.ts). */
  inFlightMs: number;
  now: () => number;
  warn: (message: string) => void;
  plan: (records: readonly JournalRecord[]) => Plan;
}

const isNewJournal = (records: readonly JournalRecord[]) => !records.some((r) => r.type !== 'batch');

export async function guardRefunds(o: RefundGuardOptions): Promise<Plan> {
  // Read on every run, not only for a new journal: a row added to the file of an existing journal may be for an
  // order another journal beside it refunded. Only a new journal needs --yes (resuming one's own batch does not).
  const others = await scanOtherJournals(o.journalFile, o.inputFile, o.rows);
  if (isNewJournal(o.records)) refuseSeenOrders(o, others.seen);
  const own = path.basename(o.journalFile);
  if (o.journal) {
    const inFlight = inFlightWait(o);
    await resolveOwnUnknowns(o, o.journal, own, inFlight);
    others.entries = await resolveOtherUnknowns(o, others.entries, inFlight);
  }
  const plan = o.plan(o.records);
  const sending = (action: string) => action === 'send' || action === 'verify';
  const problems = ledgerProblems({
    toSend: plan.rows.filter((p) => sending(p.action)).map((p) => p.row),
    counted: plan.rows.filter((p) => sending(p.action) || p.result?.status === 'succeeded').map((p) => p.row),
    ledger: [...ledgerOf(o.records, own).values(), ...others.entries],
    allowAdditional: o.allowAdditional,
  });
  if (problems.length) throw ledgerError(problems);
  return plan;
}

/** A new journal for orders other refund journals have seen: warned always, refused without --yes. */
function refuseSeenOrders(o: RefundGuardOptions, seen: readonly string[]): void {
  if (!seen.length) return;
  const list = `${seen.slice(0, 20).join(', ')}${seen.length > 20 ? `, and ${seen.length - 20} more` : ''}`;
  o.warn(
    `${seen.length} order(s) of this file already appear in another refund journal beside ${o.journalFile}: ${list}`,
  );
  if (o.yes) return;
  throw new WxpayError(
    'BATCH_ORDERS_IN_OTHER_JOURNAL',
    `A new journal ${o.journalFile} was about to start for orders another refund journal has seen; nothing was sent`,
    {
      hint: 'To resume that batch, rerun it with its own --journal. If these are new refunds on purpose, add --yes: refunds made there are still refused unless you also pass --allow-additional-refund.',
      details: { orders: seen },
    },
  );
}

/** Looks up this journal's unknown outcomes; each answer is journaled and joins `o.records` for the plan. */
async function resolveOwnUnknowns(
  o: RefundGuardOptions,
  journal: NonNullable<RefundGuardOptions['journal']>,
  own: string,
  inFlight: Omit<InFlightRule, 'now'>,
): Promise<void> {
  const recording = {
    append: async (r: JournalRecord) => {
      await journal.append(r);
      o.records.push(r);
    },
  };
  await resolveUnknownRefunds({
    entries: ledgerOf(o.records, own).values(),
    lookup: o.lookup,
    journal: recording,
    limiter: o.limiter,
    concurrency: o.concurrency,
    now: o.now,
    inFlight,
  });
}

/**
 * The other journals' unknown outcomes too, kept in memory (their journals are not ours to write): the answer
 * names the order both ways, so a row naming it by transaction_id instead of out_trade_no still matches.
 */
async function resolveOtherUnknowns(
  o: RefundGuardOptions,
  entries: OtherJournals['entries'],
  inFlight: Omit<InFlightRule, 'now'>,
): Promise<OtherJournals['entries']> {
  const found = new Map<string, JournalRecord>();
  await resolveUnknownRefunds({
    entries,
    lookup: o.lookup,
    journal: {
      append: (r) => {
        if (r.type !== 'batch') found.set(r.key, r);
        return Promise.resolve();
      },
    },
    limiter: o.limiter,
    concurrency: o.concurrency,
    now: o.now,
    inFlight,
  });
  return entries.flatMap((e) => {
    const r = e.status === 'unknown' ? found.get(e.outRefundNo) : undefined;
    return r ? (settled(e, r) ?? []) : [e];
  });
}

/** Waits out a refund's request timeout before its "not found" counts, saying so once (a rerun right after a crash). */
function inFlightWait(o: RefundGuardOptions): Omit<InFlightRule, 'now'> {
  let told = false;
  return {
    windowMs: o.inFlightMs,
    wait: (ms) => {
      if (!told)
        o.warn(
          `WeChat Pay does not have a refund sent moments ago yet; waiting up to ${Math.ceil(ms / 1000)} s (the request timeout) in case it is still being made, then asking again`,
        );
      told = true;
      return new Promise((r) => setTimeout(r, ms));
    },
  };
}

function ledgerError(problems: ReturnType<typeof ledgerProblems>): WxpayError {
  const lines = problems.map((p) => `  line ${p.line}: ${p.message}`).join('\n');
  if (problems.some((p) => p.kind === 'already-refunded')) {
    return new WxpayError(
      'BATCH_ALREADY_REFUNDED',
      `Refused; nothing was sent. These orders were already refunded (or may have been) under another out_refund_no:\n${lines}`,
      {
        hint: 'Check each earlier refund with `wxpay refund query <out_refund_no>`. If it is the refund you meant, remove the line, or put its old out_refund_no back (that resumes it and never refunds twice). Only to refund more of the same order on purpose, add --allow-additional-refund; the refunds of an order still never add up past its total.',
        details: { problems },
      },
    );
  }
  return new WxpayError(
    'BATCH_REFUND_EXCEEDS_TOTAL',
    `Refused; nothing was sent. With the refunds already made, these orders would be refunded past their total:\n${lines}`,
    {
      hint: 'Check the earlier refunds with `wxpay refund query <out_refund_no>` and lower the amounts in the file.',
      details: { problems },
    },
  );
}
