// Acknowledging one verified callback into the journal: journal with fsync THEN answer 204 (after the forward with
// --ack-after-forward, else the forward runs in the background); a duplicate is answered but not forwarded again.
import { captureOf } from './capture.js';
import { forwardOfEvent, type ForwardMessage, type ForwardResult } from './forwarder.js';
import type { HandlerDeps, Incoming, Reply } from './handler.js';
import { factsOf, liveEvent, type EventFacts } from './live-line.js';
import { fail } from './reject.js';
import type { Verified } from './verify-callback.js';

/** 4 s of WeChat Pay's 5 s: the rest is for verifying, journalling and the network. */
export const ACK_BUDGET_MS = 4_000;

/** Forwards one acknowledged event, journals the outcome (a `forwarded` line ends its re-forward on restart), and
 *  logs it; a failed one is logged with its cause and the command that re-sends it. Used by the handler and at start. */
export async function forwardAndRecord(
  deps: Pick<HandlerDeps, 'forward' | 'journal' | 'onEvent' | 'resendCommand'>,
  facts: EventFacts,
  msg: ForwardMessage,
  outcome: string,
): Promise<void> {
  const f = await deps.forward!(msg);
  const tag = facts.merchant ?? {};
  await deps.journal
    .append({
      id: facts.id,
      ...tag,
      outcome: f.ok ? 'forwarded' : 'forward_failed',
      forward: f,
      at: new Date().toISOString(),
    })
    .catch(() => undefined);
  const e = liveEvent(facts, 204, outcome, f);
  if (!f.ok && deps.resendCommand) e.resend = deps.resendCommand(facts.id);
  deps.onEvent(e);
}

/** A new event: journalled as accepted (and forwarded first with --ack-after-forward), then remembered in `seen`. */
export async function acceptNew(deps: HandlerDeps, req: Incoming, { v, merchant }: Verified): Promise<Reply> {
  const facts = factsOf(v, merchant);
  const capture = captureOf(req);
  const msg = deps.forward ? forwardOfEvent(facts, capture) : undefined;
  const base = {
    ...capture,
    ...merchant,
    id: facts.id,
    event_type: facts.event_type,
    resource: v.resource,
    verification: { serial: v.verification.serial, skew: v.verification.skew },
  };
  let forward: ForwardResult | undefined;
  if (msg && deps.ackAfterForward) {
    forward = await deps.forward!(msg, deps.ackBudgetMs ?? ACK_BUDGET_MS);
    if (!forward.ok) {
      await deps.journal.append({ ...base, outcome: 'forward_failed', status: 502, forward }).catch(() => undefined);
      deps.onEvent(liveEvent(facts, 502, 'forward_failed', forward));
      return fail(502, `the app did not accept the event (${forward.error ?? forward.status})`);
    }
  }
  const later = msg && !deps.ackAfterForward;
  try {
    // forwardPending: until a `forwarded` line follows, a restart forwards this event again.
    await deps.journal.append({
      ...base,
      outcome: 'accepted',
      status: 204,
      ...(forward ? { forward } : {}),
      ...(later ? { forwardPending: true } : {}),
    });
  } catch (err) {
    deps.onEvent(liveEvent(facts, 500, 'journal_failed', forward, (err as Error).message));
    return fail(500, 'journal write failed');
  }
  deps.seen.add(facts.id);
  if (later) deps.track(forwardAndRecord(deps, facts, msg, 'accepted'));
  else deps.onEvent(liveEvent(facts, 204, 'accepted', forward));
  return { status: 204 };
}

/** An event already acknowledged: journalled as a duplicate and answered 204 again (WeChat Pay retries until then). */
export async function acceptDuplicate(deps: HandlerDeps, req: Incoming, { v, merchant }: Verified): Promise<Reply> {
  await deps.journal
    .append({
      ...captureOf(req),
      ...merchant,
      id: v.event.id,
      event_type: v.event.event_type,
      outcome: 'duplicate',
      status: 204,
    })
    .catch(() => undefined);
  deps.onEvent(liveEvent(factsOf(v, merchant), 204, 'duplicate'));
  return { status: 204 };
}
