// At start, the events acknowledged earlier but never forwarded (the process died between the two, or the app was
// down) are forwarded again, oldest first, with the same webhook-id so the app can dedupe. A shutdown stops the
// loop between events; what is left stays pending in the journal for the next start.
import type { JournalEntry } from './capture.js';
import { forwardMessage } from './forwarder.js';
import { forwardAndRecord, type HandlerDeps } from './handler.js';

export async function reforward(
  entries: AsyncGenerator<JournalEntry>,
  deps: Pick<HandlerDeps, 'forward' | 'journal' | 'onEvent' | 'resendCommand'>,
  stopping: () => boolean,
): Promise<void> {
  for await (const e of entries) {
    if (stopping()) break;
    const facts = { id: e.id!, event_type: e.event_type!, resource: e.resource, verification: 'from journal' };
    await forwardAndRecord(deps, facts, forwardMessage({ ...facts, body: e.body, headers: e.headers }), 'reforwarded');
  }
}
