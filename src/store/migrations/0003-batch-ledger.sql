-- `--ledger postgres://…`: the refunds and transfers of batches, shared by every operator's machine. A refund is
-- claimed (status 'started') in the same transaction that locks its order's row and checks the order's other
-- refunds, so two batches can never both pass the check for one order.
CREATE TABLE wxpay_ledger_orders (
  mchid      text        NOT NULL,
  order_key  text        NOT NULL,
  total      integer     NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (mchid, order_key)
);

-- One row per out_refund_no: started (sent or about to be), unknown (no answer), succeeded, refused (no money moved).
CREATE TABLE wxpay_ledger_refunds (
  mchid         text        NOT NULL,
  out_refund_no text        NOT NULL,
  order_key     text        NOT NULL,
  amount        integer     NOT NULL,
  status        text        NOT NULL,
  state         text,
  refund_id     text,
  owner         text        NOT NULL,
  started_at    timestamptz NOT NULL DEFAULT now(),
  finished_at   timestamptz,
  PRIMARY KEY (mchid, out_refund_no),
  FOREIGN KEY (mchid, order_key) REFERENCES wxpay_ledger_orders (mchid, order_key)
);
CREATE INDEX wxpay_ledger_refunds_order ON wxpay_ledger_refunds (mchid, order_key);

-- One row per out_bill_no: a transfer started by one batch is never started by another.
CREATE TABLE wxpay_ledger_transfers (
  mchid       text        NOT NULL,
  out_bill_no text        NOT NULL,
  amount      integer     NOT NULL,
  status      text        NOT NULL,
  state       text,
  owner       text        NOT NULL,
  started_at  timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  PRIMARY KEY (mchid, out_bill_no)
);
