// Before a refund batch sends anything, every refund of its journal whose outcome is unknown (killed
// mid-request, a timeout, a 5xx) is looked up by out_refund_no, whether or not its row is still in the file,
// and the answer is journaled: `done` if WeChat Pay has it, `absent` if not. Then the ledger knows what each
// order has really been refunded, so a row renamed or edited after a crash cannot refund it a second time.
// A look-up that cannot answer leaves the refund unknown: the ledger then counts it as possibly made. A "not found"
// while the request may still be in WeChat Pay's hands (a run killed just now) is asked again later (in-flight.ts).
import type { RateLimiter } from './flow.js';
import { runPool } from './flow.js';
import { settledLookup, type InFlightRule } from './in-flight.js';
import { entryRow, type LedgerEntry } from './ledger.js';
import type { BatchOps } from './runner.js';
import type { JournalRecord } from './types.js';

export async function resolveUnknownRefunds(o: {
  entries: Iterable<LedgerEntry>;
  lookup: NonNullable<BatchOps['lookup']>;
  journal: { append(record: JournalRecord): Promise<void> };
  limiter: RateLimiter;
  concurrency: number;
  now: () => number;
  /** The request timeout and how to wait it out (in-flight.ts). */
  inFlight: Omit<InFlightRule, 'now'>;
  stopped?: () => boolean;
}): Promise<{ resolved: number; unresolved: string[] }> {
  const unknown = [...o.entries].filter((e) => e.status === 'unknown');
  const unresolved: string[] = [];
  const at = () => new Date(o.now()).toISOString();
  const ask = async (e: LedgerEntry) => {
    await o.limiter.take();
    const found = await o.lookup(entryRow(e));
    if (found.kind !== 'unknown') o.limiter.onSuccess();
    else if (found.rateLimited) o.limiter.onRateLimited();
    else o.limiter.onFailure();
    return found;
  };
  await runPool(
    unknown,
    o.concurrency,
    async (e) => {
      const found = await settledLookup(await ask(e), e.sentAt, { ...o.inFlight, now: o.now }, () => ask(e));
      if (found.kind === 'succeeded') {
        await o.journal.append({
          type: 'done',
          key: e.outRefundNo,
          status: 'succeeded',
          ...(found.id ? { id: found.id } : {}),
          ...(found.state ? { state: found.state } : {}),
          message: 'found by look-up before the batch started',
          ...(found.order ? { order: found.order } : {}),
          at: at(),
        });
      } else if (found.kind === 'rejected') {
        await o.journal.append({
          type: 'done',
          key: e.outRefundNo,
          status: 'rejected',
          code: found.code,
          message: found.message,
          at: at(),
        });
      } else if (found.kind === 'not-found') {
        await o.journal.append({ type: 'absent', key: e.outRefundNo, at: at() });
      } else {
        unresolved.push(e.outRefundNo);
      }
    },
    o.stopped,
  );
  return { resolved: unknown.length - unresolved.length, unresolved };
}
