// The shared store as `webhook tail` and `notify replay` read it: each stored event as the journal lines a listener
// would have written for it (accepted or recovered when it came, forwarded when the app took it), so the same code
// shows and filters them. Rejected requests are only counted (per interval, instance and error code): each count is
// one line, among the events by its interval's start. Duplicates are not stored, so they have no lines.
// Following polls the time indexes (stored_at, forwarded_at, counted_at) every `pollMs`. A row is visible only once its
// transaction commits, a moment after the time it was stamped with, so each poll looks `lagMs` further back than the
// last one ended, and the lines already shown from that overlap are remembered so none is shown twice.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Db } from '../store/connect.js';
import {
  eachEvent,
  eventsChangedSince,
  rejectionPage,
  rejectionsCountedSince,
  storeNow,
  type EventRow,
  type RejectionKey,
  type RejectionRow,
} from '../store/webhook-read.js';
import { captureFrom, type JournalEntry } from './capture.js';
import { statusFor } from './reject.js';
import type { TailSource } from './tail-source.js';

/** The journal lines of one stored event. */
export function linesOfEvent(r: EventRow): Record<string, unknown>[] {
  const event = { id: r.id, mchid: r.mchid, event_type: r.eventType, resource: r.resource };
  const first = r.recovered
    ? { ...event, recovered: true, outcome: 'recovered', at: r.receivedAt.toISOString() }
    : {
        ...event,
        verification: r.verification,
        outcome: 'accepted',
        status: 204,
        receivedAt: r.receivedAt.toISOString(),
      };
  if (!r.forwardedAt) return [first];
  return [first, { id: r.id, mchid: r.mchid, outcome: 'forwarded', at: r.forwardedAt.toISOString() }];
}

/** The line of a rejection count: shaped as a journal's rejected line (or rate-limit summary), with its count. */
export function lineOfRejection(r: RejectionRow): Record<string, unknown> {
  const [at, by] = [new Date(r.intervalMs).toISOString(), { count: r.count, instance: r.instance }];
  if (r.code === 'RATE_LIMITED') return { outcome: 'rate_limited', status: 429, at, ...by };
  const error = `${r.count} rejected in the interval from ${at} (counted by ${r.instance})`;
  return { outcome: 'rejected', status: statusFor(r.code), code: r.code, at, ...by, error };
}

/** Every event and rejection count, by time (events in the order stored, counts by their interval's start). */
async function walk(db: Db, onEvent: (r: EventRow) => void, onRejection: (r: RejectionRow) => void): Promise<void> {
  let page: Array<RejectionRow & { key: RejectionKey }> = [];
  let after: RejectionKey | undefined;
  let done = false;
  const next = async () => {
    if (!page.length && !done) done = (page = await rejectionPage(db, after)).length === 0;
    return page[0];
  };
  const emitUntil = async (ms: number) => {
    for (let x = await next(); x && x.intervalMs <= ms; x = await next()) {
      after = page.shift()!.key;
      onRejection(x);
    }
  };
  await eachEvent(db, async (r) => {
    await emitUntil(r.storedMs);
    onEvent(r);
  });
  await emitUntil(Infinity);
}

/** A stored callback as a journal capture, for `notify replay` (the request as received, with what was decrypted). */
export const captureOfEvent = (r: EventRow): JournalEntry =>
  captureFrom(
    { ...r.capture, id: r.id, event_type: r.eventType, resource: r.resource, outcome: 'accepted' },
    `stored event ${r.id}`,
  );

export interface StoreTailOptions {
  pollMs?: number;
  lagMs?: number;
  close: () => Promise<void>;
}

export function storeTailSource(db: Db, name: string, o: StoreTailOptions): TailSource {
  const [pollMs, lagMs] = [o.pollMs ?? 500, o.lagMs ?? 10_000];
  const read = async (visit: (entry: unknown) => void) => {
    await walk(
      db,
      (r) => linesOfEvent(r).forEach(visit),
      (r) => visit(lineOfRejection(r)),
    );
    return true;
  };
  async function follow(visit: (entry: unknown) => void, signal: AbortSignal) {
    // The lines shown whose time is inside the overlap, by event and line, with their time.
    const shown = new Map<string, number>();
    let since = await storeNow(db);
    const once = (key: string, t: number, line: Record<string, unknown>, from: number) => {
      if (t < from || shown.has(key)) return;
      if (t >= since - lagMs) shown.set(key, t); // older ones are never polled again
      visit(line);
    };
    const show = (from: number) => (r: EventRow) => {
      const [first, forwarded] = linesOfEvent(r);
      once(`${r.mchid}\u0000${r.id}\u0000s`, r.storedMs, first!, from);
      if (forwarded) once(`${r.mchid}\u0000${r.id}\u0000f`, r.forwardedMs!, forwarded, from);
    };
    // A count grows during its interval: each new count is a line of its own.
    const count = (from: number) => (r: RejectionRow) =>
      once(`${r.intervalMs}\u0000${r.instance}\u0000${r.code}\u0000${r.count}`, r.countedMs, lineOfRejection(r), from);
    await walk(db, show(-Infinity), count(-Infinity));
    while (!signal.aborted) {
      const from = since - lagMs;
      for (const [k, t] of shown) if (t < from) shown.delete(k);
      const now = await storeNow(db);
      (await eventsChangedSince(db, from)).forEach(show(from));
      (await rejectionsCountedSince(db, from)).forEach(count(from));
      since = now;
      await sleep(pollMs, undefined, { signal }).catch(() => undefined);
    }
  }
  return { name, read, follow, close: o.close };
}
