-- Callbacks acknowledged by `webhook serve --store`: one row per (mchid, event id), however many instances and
-- deliveries saw it. capture is the verified request as received (method, path, headers, raw body).
CREATE TABLE wxpay_webhook_events (
  mchid        text        NOT NULL,
  event_id     text        NOT NULL,
  event_type   text        NOT NULL,
  capture      jsonb       NOT NULL,
  resource     jsonb,
  verification jsonb       NOT NULL,
  outcome      text        NOT NULL,
  received_at  timestamptz NOT NULL,
  stored_at    timestamptz NOT NULL DEFAULT now(),
  forwarded_at timestamptz,
  PRIMARY KEY (mchid, event_id)
);

-- The queue of forwards to the app: written in the same transaction as the event, deleted once the app said 2xx.
-- A forwarder claims a row by setting lease_until; a row whose lease ran out (its instance died) is free again.
CREATE TABLE wxpay_webhook_outbox (
  id          bigserial   PRIMARY KEY,
  mchid       text        NOT NULL,
  event_id    text        NOT NULL,
  message     jsonb       NOT NULL,
  attempts    integer     NOT NULL DEFAULT 0,
  next_at     timestamptz NOT NULL DEFAULT now(),
  lease_until timestamptz,
  lease_owner text,
  last_error  text,
  UNIQUE (mchid, event_id),
  FOREIGN KEY (mchid, event_id) REFERENCES wxpay_webhook_events (mchid, event_id)
);
CREATE INDEX wxpay_webhook_outbox_due ON wxpay_webhook_outbox (next_at);
