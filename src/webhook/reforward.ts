// At start, the events acknowledged earlier but never forwarded (the process died between the two, or the app was
// down) are forwarded again, oldest first, with the same webhook-id so the app can dedupe. A shutdown stops the
// loop between events; what is left stays pending in the journal for the next start.
import type { JournalEntry } from './capture.js';
import { forwardMessage } from './forwarder.js';
import { forwardAndRecord } from './accept.js';
import type { HandlerDeps } from './handler.js';
import type { MerchantTag } from './merchants.js';

/** The merchant a journal entry was accepted for (`webhook serve --profiles`), to forward it as that merchant's. */
export function merchantOf(e: JournalEntry): MerchantTag | undefined {
  if (typeof e.profile !== 'string') return undefined;
  return { profile: e.profile, ...(typeof e.mchid === 'string' ? { mchid: e.mchid } : {}) };
}

export async function reforward(
  entries: AsyncGenerator<JournalEntry>,
  deps: Pick<HandlerDeps, 'forward' | 'journal' | 'onEvent' | 'resendCommand'>,
  stopping: () => boolean,
): Promise<void> {
  for await (const e of entries) {
    if (stopping()) break;
    const merchant = merchantOf(e);
    const facts = {
      id: e.id!,
      event_type: e.event_type!,
      resource: e.resource,
      verification: 'from journal',
      merchant,
    };
    const msg = forwardMessage({ ...facts, body: e.body, headers: e.headers, profile: merchant?.profile });
    await forwardAndRecord(deps, facts, msg, 'reforwarded');
  }
}
