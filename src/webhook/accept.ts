// Acknowledging one verified callback into the journal: journal with fsync THEN answer 204 (after the forward with
// --ack-after-forward, else the forward runs in the background); a duplicate is answered but not forwarded again.
import { captureOf } from './capture.js';
import { forwardOfEvent, type ForwardMessage, type ForwardResult } from './forwarder.js';
import type { HandlerDeps, Incoming, Reply } from './handler.js';
import { factsOf, liveEvent, type EventFacts } from './live-line.js';
import { fail } from './reject.js';
import type { MerchantTag } from './merchants.js';
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

/** The journal line of one verified callback: its capture, then the merchant, id and event_type, to which each
 *  outcome adds its fields. Properties are added to the capture object, not spread into a new one: a spread object
 *  was left in V8's slow mode, which JSON.stringify walked four times slower (15-25 µs per callback). */
function entryOf(req: Incoming, merchant: MerchantTag | undefined, id: string, eventType: string) {
  const e: Record<string, unknown> & { headers: Incoming['headers']; body: string } = captureOf(req);
  if (merchant) Object.assign(e, merchant);
  e.id = id;
  e.event_type = eventType;
  return e;
}

/** A new event: journalled as accepted (and forwarded first with --ack-after-forward), then remembered in `seen`. */
export async function acceptNew(deps: HandlerDeps, req: Incoming, { v, merchant }: Verified): Promise<Reply> {
  const facts = factsOf(v, merchant);
  const entry = entryOf(req, merchant, facts.id, facts.event_type);
  const msg = deps.forward ? forwardOfEvent(facts, { headers: entry.headers, body: entry.body }) : undefined;
  entry.resource = v.resource;
  entry.verification = { serial: v.verification.serial, skew: v.verification.skew };
  let forward: ForwardResult | undefined;
  if (msg && deps.ackAfterForward) {
    forward = await deps.forward!(msg, deps.ackBudgetMs ?? ACK_BUDGET_MS);
    if (!forward.ok) {
      entry.outcome = 'forward_failed';
      entry.status = 502;
      entry.forward = forward;
      await deps.journal.append(entry).catch(() => undefined);
      deps.onEvent(liveEvent(facts, 502, 'forward_failed', forward));
      return fail(502, `the app did not accept the event (${forward.error ?? forward.status})`);
    }
  }
  const later = msg && !deps.ackAfterForward;
  entry.outcome = 'accepted';
  entry.status = 204;
  if (forward) entry.forward = forward;
  // forwardPending: until a `forwarded` line follows, a restart forwards this event again.
  if (later) entry.forwardPending = true;
  try {
    await deps.journal.append(entry);
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
  const entry = entryOf(req, merchant, v.event.id, v.event.event_type);
  entry.outcome = 'duplicate';
  entry.status = 204;
  await deps.journal.append(entry).catch(() => undefined);
  deps.onEvent(liveEvent(factsOf(v, merchant), 204, 'duplicate'));
  return { status: 204 };
}
