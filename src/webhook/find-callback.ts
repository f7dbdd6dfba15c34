// Finds an accepted callback in a `webhook serve` journal (rotated files too): the `wait` step of `fixtures run`.
// Only what the listener verified and decrypted counts (outcome "accepted"); what is returned is the event's id, type
// and decrypted resource, never the captured headers (they hold a signature that could be replayed).
import { scanJournal } from '../journal/lines.js';

export interface CallbackQuery {
  eventType: string;
  /** Fields the decrypted resource must have, e.g. { out_trade_no: 'ORDER1' }. */
  resource: Record<string, string>;
}

export interface FoundCallback {
  id: string;
  event_type: string;
  received_at?: string;
  resource: Record<string, unknown>;
}

interface Line {
  id?: unknown;
  outcome?: unknown;
  event_type?: unknown;
  receivedAt?: unknown;
  resource?: unknown;
}

function matching(text: string, q: CallbackQuery): FoundCallback | undefined {
  let e: Line;
  try {
    e = JSON.parse(text) as Line;
  } catch {
    return undefined; // a torn or foreign line
  }
  if (e.outcome !== 'accepted' || e.event_type !== q.eventType || typeof e.id !== 'string') return undefined;
  const r = e.resource;
  if (r === null || typeof r !== 'object' || Array.isArray(r)) return undefined;
  const resource = r as Record<string, unknown>;
  if (!Object.entries(q.resource).every(([k, v]) => Object.hasOwn(resource, k) && resource[k] === v)) return undefined;
  return {
    id: e.id,
    event_type: e.event_type,
    ...(typeof e.receivedAt === 'string' ? { received_at: e.receivedAt } : {}),
    resource,
  };
}

/** The first accepted callback matching the query, or undefined (also when the journal does not exist yet). */
export async function findCallback(file: string, q: CallbackQuery): Promise<FoundCallback | undefined> {
  let found: FoundCallback | undefined;
  await scanJournal(
    file,
    (line) => {
      found ??= matching(line.bytes.toString('utf8'), q);
    },
    { containing: Buffer.from(`"${q.eventType}"`) },
  );
  return found;
}
