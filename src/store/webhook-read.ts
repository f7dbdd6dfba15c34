// Reading the webhook store back (`webhook tail`, `notify replay`, `notify recover`), as those commands read a
// journal: every event in the order stored, a page at a time (keyset on the index (stored_at, mchid, event_id), so a
// table of millions is never held whole), or the events stored or forwarded since a time, for following. Times are
// the database's clock. And `notify recover --enqueue`'s write: recovered events with their outbox rows.
import type { Db } from './connect.js';

export interface EventRow {
  mchid: string;
  id: string;
  eventType: string;
  /** The request as received (a recovered event: the message it is forwarded as). */
  capture: Record<string, unknown>;
  resource: unknown;
  verification: unknown;
  /** accepted, or forwarded once the app took it. */
  outcome: string;
  recovered: boolean;
  receivedAt: Date;
  forwardedAt: Date | null;
  /** Milliseconds since the epoch, of stored_at and forwarded_at: when a follower saw them change. */
  storedMs: number;
  forwardedMs: number | null;
}

const COLUMNS = `mchid, event_id AS id, event_type AS "eventType", capture, resource, verification, outcome, recovered,
  received_at AS "receivedAt", forwarded_at AS "forwardedAt",
  (extract(epoch FROM stored_at) * 1000)::float8 AS "storedMs",
  (extract(epoch FROM forwarded_at) * 1000)::float8 AS "forwardedMs"`;

// The page's last key as the database wrote it (text keeps stored_at's microseconds; a JS Date would drop them and
// read rows of the same millisecond twice).
const PAGE = `
SELECT ${COLUMNS}, stored_at::text AS "storedKey" FROM wxpay_webhook_events
 WHERE (stored_at, mchid, event_id) > ($1::timestamptz, $2, $3)
   AND ($4::text IS NULL OR event_id = $4) AND ($5 OR NOT recovered)
 ORDER BY stored_at, mchid, event_id LIMIT $6`;

export interface ReadOptions {
  /** Only this event id. */
  onlyId?: string | undefined;
  /** Leave out the events `notify recover` stored (they were never a signed callback). */
  withoutRecovered?: boolean;
  pageSize?: number;
}

/** Every event (or those asked for), oldest stored first; resolves to how many were visited. */
export async function eachEvent(
  db: Db,
  visit: (r: EventRow) => void | Promise<void>,
  o: ReadOptions = {},
): Promise<number> {
  let after = ['-infinity', '', ''];
  let n = 0;
  for (;;) {
    const page = await db.query<EventRow & { storedKey: string }>(PAGE, [
      ...after,
      o.onlyId ?? null,
      !o.withoutRecovered,
      o.pageSize ?? 1000,
    ]);
    for (const r of page.rows) await visit(r);
    n += page.rows.length;
    const last = page.rows.at(-1);
    if (!last || page.rows.length < (o.pageSize ?? 1000)) return n;
    after = [last.storedKey, last.mchid, last.id];
  }
}

/** The database's clock, in milliseconds since the epoch. */
export async function storeNow(db: Db): Promise<number> {
  return (await db.query<{ ms: number }>(`SELECT (extract(epoch FROM now()) * 1000)::float8 AS ms`)).rows[0]!.ms;
}

/** The events stored or forwarded at or after `sinceMs` (the two indexes answer it), oldest stored first. */
export async function eventsChangedSince(db: Db, sinceMs: number): Promise<EventRow[]> {
  const r = await db.query<EventRow>(
    `SELECT ${COLUMNS} FROM wxpay_webhook_events
      WHERE stored_at >= to_timestamp($1 / 1000.0) OR forwarded_at >= to_timestamp($1 / 1000.0)
      ORDER BY stored_at, mchid, event_id`,
    [sinceMs],
  );
  return r.rows;
}

export interface RejectionRow {
  /** The interval the count is for: its start, in milliseconds since the epoch. */
  intervalMs: number;
  instance: string;
  code: string;
  count: number;
  /** When it was last counted: a count grows during its interval (one upsert per instance and flush). */
  countedMs: number;
}

const REJECTION_COLUMNS = `(extract(epoch FROM interval_start) * 1000)::float8 AS "intervalMs", instance, code, count,
  (extract(epoch FROM counted_at) * 1000)::float8 AS "countedMs"`;

/** The key a page of rejection counts ends with: interval start (as the database writes it), instance, code. */
export type RejectionKey = [string, string, string];

/** The page of rejection counts after `after` (from the first, when undefined), oldest interval first. */
export async function rejectionPage(
  db: Db,
  after: RejectionKey | undefined,
  size = 1000,
): Promise<Array<RejectionRow & { key: RejectionKey }>> {
  const r = await db.query<RejectionRow & { start: string }>(
    `SELECT ${REJECTION_COLUMNS}, interval_start::text AS start FROM wxpay_webhook_rejections
      WHERE (interval_start, instance, code) > ($1::timestamptz, $2, $3)
      ORDER BY interval_start, instance, code LIMIT $4`,
    [...(after ?? ['-infinity', '', '']), size],
  );
  return r.rows.map(({ start, ...row }) => ({ ...row, key: [start, row.instance, row.code] }));
}

/** The rejection counts written at or after `sinceMs`, for following. */
export async function rejectionsCountedSince(db: Db, sinceMs: number): Promise<RejectionRow[]> {
  const r = await db.query<RejectionRow>(
    `SELECT ${REJECTION_COLUMNS} FROM wxpay_webhook_rejections WHERE counted_at >= to_timestamp($1 / 1000.0)
      ORDER BY interval_start, instance, code`,
    [sinceMs],
  );
  return r.rows;
}

export interface RecoveredEvent {
  mchid: string;
  id: string;
  eventType: string;
  resource: Record<string, unknown>;
  message: { body: string; headers: Record<string, string> };
}

// Event and outbox row in one statement (one transaction), as a callback is stored: a second run, or a second
// operator at the same moment, inserts nothing (the recovered id is stable), so the forwarders send it once.
const ENQUEUE = `
WITH e AS (
  INSERT INTO wxpay_webhook_events
    (mchid, event_id, event_type, capture, resource, verification, outcome, received_at, stored_by, recovered)
  SELECT mchid, id, type, msg, resource, '{"recovered":true}', 'accepted', now(), $1, true
    FROM jsonb_to_recordset($2::jsonb) AS t(mchid text, id text, type text, msg jsonb, resource jsonb)
  ON CONFLICT DO NOTHING
  RETURNING mchid, event_id, capture
), o AS (
  INSERT INTO wxpay_webhook_outbox (mchid, event_id, message) SELECT mchid, event_id, capture FROM e
  ON CONFLICT DO NOTHING
)
SELECT event_id AS id FROM e`;

/** Stores recovered events with their outbox rows; the ids that were new. */
export async function enqueueRecovered(db: Db, events: RecoveredEvent[], by: string): Promise<string[]> {
  if (!events.length) return [];
  const rows = events.map((e) => ({
    mchid: e.mchid,
    id: e.id,
    type: e.eventType,
    msg: e.message,
    resource: e.resource,
  }));
  return (await db.query<{ id: string }>(ENQUEUE, [by, JSON.stringify(rows)])).rows.map((r) => r.id);
}
