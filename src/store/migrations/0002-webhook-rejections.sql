-- Rejected requests are counted, never stored: one row per interval, instance and error code.
CREATE TABLE wxpay_webhook_rejections (
  interval_start timestamptz NOT NULL,
  instance       text        NOT NULL,
  code           text        NOT NULL,
  count          integer     NOT NULL,
  PRIMARY KEY (interval_start, instance, code)
);
-- Which instance stored an event (for an operator reading the table after a fail-over).
ALTER TABLE wxpay_webhook_events ADD COLUMN stored_by text;
