// When a look-up's "not found" can be believed (docs/protocol.md §8). A send that got no answer (timeout, lost
// connection, a run killed mid-request) may still be in WeChat Pay's hands: the refund it asks for may be made a
// moment after a look-up answered 404. Resending then breaks "only a confirmed not-found is sent again", and
// journaling `absent` would let the ledger forget a refund that is about to exist. The rule: WeChat Pay acts on a
// request within the request timeout of receiving it. So a "not found" counts only once the request timeout has
// passed since the request could last have been on its way: since the failed send ended, for a send of this run;
// since its journaled `start`, for a row an earlier run left unfinished (a killed run records no end; its request
// leaves within moments of `start`). Before that, wait until then, ask once more, and take that second answer.
import type { Outcome } from './types.js';

export interface InFlightRule {
  /** How long after a send leaves WeChat Pay may still act on it: the client's request timeout. */
  windowMs: number;
  now: () => number;
  /** Sleeps; the runner's can end early on Ctrl-C (the second look-up is then asked at once). */
  wait: (ms: number) => Promise<void>;
}

/** How long a "not found" for a row last sent at `sentAt` must wait before it is trusted (0: trust it now). */
export function untrustedForMs(sentAt: number | undefined, rule: Pick<InFlightRule, 'windowMs' | 'now'>): number {
  if (sentAt === undefined || !Number.isFinite(sentAt)) return 0;
  // Capped by the window itself, so a `start` stamped by a clock that ran ahead cannot stall the batch.
  return Math.max(0, Math.min(rule.windowMs, sentAt + rule.windowMs - rule.now()));
}

/** The look-up's answer to act on: `first`, or, if it is a premature "not found", the answer asked after the wait. */
export async function settledLookup(
  first: Outcome,
  sentAt: number | undefined,
  rule: InFlightRule,
  askAgain: () => Promise<Outcome>,
): Promise<Outcome> {
  const ms = first.kind === 'not-found' ? untrustedForMs(sentAt, rule) : 0;
  if (ms === 0) return first;
  await rule.wait(ms);
  return askAgain();
}

/** The time a journal record was written, as the number `settledLookup` takes. */
export const journalTime = (at: string): number | undefined => {
  const t = Date.parse(at);
  return Number.isFinite(t) ? t : undefined;
};
