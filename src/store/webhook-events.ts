// `webhook serve --store`: the callbacks and the forwards to the app, in PostgreSQL, shared by every instance.
// An event and its outbox row are written by ONE statement (so one transaction), committed before the listener
// answers; the unique key (mchid, event_id) makes a repeat from any instance a no-op, so it never gets a second
// outbox row. Forwarders claim due rows with FOR UPDATE SKIP LOCKED under a lease (database clock): a row claimed by
// an instance that died is free again once its lease runs out.
import type pg from 'pg';

export interface StoredEvent {
  mchid: string;
  id: string;
  eventType: string;
  /** The verified request as received: method, path, headers, raw body, receivedAt. */
  capture: Record<string, unknown>;
  resource: unknown;
  verification: { serial: string; skew: number };
  receivedAt: string;
  /** What to forward to the app (undefined: no forwarding, no outbox row). */
  message?: { body: string; headers: Record<string, string> } | undefined;
}

export interface OutboxRow {
  rowId: string;
  mchid: string;
  id: string;
  message: { body: string; headers: Record<string, string> };
  /** Claims so far, this one included. */
  attempts: number;
}

export interface WebhookStore {
  /** Stores the event (and its outbox row); false when (mchid, id) was stored already. */
  accept(e: StoredEvent, instance: string): Promise<boolean>;
  /** Claims up to `limit` due outbox rows for `leaseMs`. */
  claim(instance: string, limit: number, leaseMs: number): Promise<OutboxRow[]>;
  /** The app took them: their outbox rows go, their events are marked forwarded (one statement for a round). */
  delivered(rows: OutboxRow[]): Promise<void>;
  /** Not taken: the row is released, due again after `retryInMs`. */
  failed(row: OutboxRow, error: string, retryInMs: number): Promise<void>;
  /** Adds rejection counts to an interval's row. */
  addRejections(intervalStart: Date, instance: string, counts: Map<string, number>): Promise<void>;
}

const ACCEPT = `
WITH e AS (
  INSERT INTO wxpay_webhook_events
    (mchid, event_id, event_type, capture, resource, verification, outcome, received_at, stored_by)
  VALUES ($1, $2, $3, $4, $5, $6, 'accepted', $7, $8)
  ON CONFLICT DO NOTHING
  RETURNING mchid, event_id
), o AS (
  INSERT INTO wxpay_webhook_outbox (mchid, event_id, message)
  SELECT mchid, event_id, $9::jsonb FROM e WHERE $9::jsonb IS NOT NULL
  ON CONFLICT DO NOTHING
)
SELECT count(*)::int AS n FROM e`;

const CLAIM = `
UPDATE wxpay_webhook_outbox o
   SET lease_owner = $1, lease_until = now() + make_interval(secs => $3::double precision / 1000),
       attempts = o.attempts + 1
 WHERE o.id IN (
   SELECT id FROM wxpay_webhook_outbox
    WHERE next_at <= now() AND (lease_until IS NULL OR lease_until < now())
    ORDER BY next_at, id LIMIT $2
    FOR UPDATE SKIP LOCKED)
RETURNING o.id::text AS "rowId", o.mchid, o.event_id AS id, o.message, o.attempts`;

const DELIVERED = `
WITH d AS (DELETE FROM wxpay_webhook_outbox WHERE id = ANY($1::bigint[]) RETURNING mchid, event_id)
UPDATE wxpay_webhook_events ev SET outcome = 'forwarded', forwarded_at = now()
  FROM d WHERE ev.mchid = d.mchid AND ev.event_id = d.event_id`;

const FAILED = `
UPDATE wxpay_webhook_outbox
   SET lease_owner = NULL, lease_until = NULL, last_error = $2,
       next_at = now() + make_interval(secs => $3::double precision / 1000)
 WHERE id = $1`;

const REJECTIONS = `
INSERT INTO wxpay_webhook_rejections (interval_start, instance, code, count)
SELECT $1, $2, code, n FROM unnest($3::text[], $4::int[]) AS t(code, n)
ON CONFLICT (interval_start, instance, code)
  DO UPDATE SET count = wxpay_webhook_rejections.count + EXCLUDED.count, counted_at = now()`;

export function webhookStore(pool: pg.Pool): WebhookStore {
  return {
    async accept(e, instance) {
      const r = await pool.query<{ n: number }>(ACCEPT, [
        e.mchid,
        e.id,
        e.eventType,
        e.capture,
        JSON.stringify(e.resource ?? null),
        e.verification,
        e.receivedAt,
        instance,
        e.message === undefined ? null : JSON.stringify(e.message),
      ]);
      return r.rows[0]?.n === 1;
    },
    async claim(instance, limit, leaseMs) {
      return (await pool.query<OutboxRow>(CLAIM, [instance, limit, leaseMs])).rows;
    },
    async delivered(rows) {
      if (rows.length) await pool.query(DELIVERED, [rows.map((r) => r.rowId)]);
    },
    async failed(row, error, retryInMs) {
      await pool.query(FAILED, [row.rowId, error.slice(0, 500), retryInMs]);
    },
    async addRejections(intervalStart, instance, counts) {
      if (!counts.size) return;
      await pool.query(REJECTIONS, [intervalStart, instance, [...counts.keys()], [...counts.values()]]);
    },
  };
}
