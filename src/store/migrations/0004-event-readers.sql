-- The readers of the store (`webhook tail`, `notify replay`, `notify recover`): events are read in the order stored
-- and followed by the times they were stored and forwarded, and rejection counts by when they were last counted, so
-- those are indexed. `notify recover --store --enqueue` stores the events WeChat Pay never delivered with `recovered`
-- set, beside an outbox row for the forwarders.
ALTER TABLE wxpay_webhook_events ADD COLUMN recovered boolean NOT NULL DEFAULT false;
CREATE INDEX wxpay_webhook_events_stored ON wxpay_webhook_events (stored_at, mchid, event_id);
CREATE INDEX wxpay_webhook_events_forwarded ON wxpay_webhook_events (forwarded_at);
ALTER TABLE wxpay_webhook_rejections ADD COLUMN counted_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX wxpay_webhook_rejections_counted ON wxpay_webhook_rejections (counted_at);
