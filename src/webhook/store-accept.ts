// One verified callback into the shared store (`webhook serve --store`): the event and, when forwarding, its outbox
// row, committed before the 2xx. A repeat (from this or any other instance) is answered 2xx and stored nothing; a
// store that cannot be written is a 500, so WeChat Pay retries. Forwarding is the outbox pump's (outbox-pump.ts).
import { redactStoreUrl } from '../protocol/redact.js';
import type { VerifiedNotification } from '../protocol/notification.js';
import type { WebhookStore } from '../store/webhook-events.js';
import { forwardOfEvent } from './forwarder.js';
import type { Incoming, Reply } from './handler.js';
import { captureOf } from './capture.js';
import { factsOf, liveEvent, type LiveEvent } from './live-line.js';
import type { MerchantTag } from './merchants.js';

export interface StoreSink {
  store: WebhookStore;
  /** The merchant the callbacks are for, half of the unique key (with --profiles: the routed merchant's, if set). */
  mchid: string;
  /** This instance's name (stored_by, lease owner). */
  instance: string;
  /** Whether events get an outbox row (--forward-to). */
  forwards: boolean;
  /** A new outbox row was committed: the local pump may look now rather than at its next poll. */
  wake: () => void;
}

export async function acceptStored(
  sink: StoreSink,
  req: Incoming,
  v: VerifiedNotification,
  merchant: MerchantTag | undefined,
  onEvent: (e: LiveEvent) => void,
): Promise<Reply> {
  const facts = factsOf(v, merchant);
  const capture = captureOf(req);
  const message = sink.forwards ? forwardOfEvent(facts, capture) : undefined;
  let isNew: boolean;
  try {
    isNew = await sink.store.accept(
      {
        mchid: merchant?.mchid ?? sink.mchid,
        id: facts.id,
        eventType: facts.event_type,
        capture,
        resource: v.resource,
        verification: { serial: v.verification.serial, skew: v.verification.skew },
        receivedAt: req.receivedAt,
        message: message && { body: message.body, headers: message.headers },
      },
      sink.instance,
    );
  } catch (err) {
    onEvent(liveEvent(facts, 500, 'store_failed', undefined, redactStoreUrl((err as Error).message)));
    return { status: 500, body: JSON.stringify({ code: 'FAIL', message: 'store write failed' }) };
  }
  if (isNew && message) sink.wake();
  onEvent(liveEvent(facts, 204, isNew ? 'accepted' : 'duplicate'));
  return { status: 204 };
}
