// `--ledger postgres://…`: the refunds and transfers of batches in PostgreSQL, shared by every operator's machine.
// A refund is claimed in ONE transaction that first makes sure its order has a row (INSERT … ON CONFLICT), then
// locks that row (SELECT … FOR UPDATE), reads the order's refunds and records this one as started, or refuses it.
// A second batch claiming a refund of the same order waits on the lock and then sees the first one's claim, so
// "the refunds of an order never pass its total, and no second out_refund_no without --allow-additional-refund"
// holds across machines. The outcome is recorded after WeChat Pay's answer (a send with no answer stays counted).
import type pg from 'pg';
import { inTransaction } from './connect.js';

export type LedgerStatus = 'started' | 'unknown' | 'succeeded' | 'refused';

export interface RefundClaim {
  mchid: string;
  /** The order as the row names it: its out_trade_no, or `transaction_id:<id>`. */
  orderKey: string;
  outRefundNo: string;
  amount: number;
  total: number;
  /** Who claims it (host and journal), shown to the operator a claim is refused to. */
  owner: string;
  allowAdditional: boolean;
}

export interface TransferClaim {
  mchid: string;
  outBillNo: string;
  amount: number;
  owner: string;
}

/** ok: recorded as started, send it. Otherwise refused with a stable code; nothing was recorded. */
export type ClaimAnswer = { ok: true } | { ok: false; code: string; message: string };

export interface LedgerRefund {
  outRefundNo: string;
  orderKey: string;
  amount: number;
  status: LedgerStatus;
  state: string | null;
  owner: string;
}

/** A closed refund returned nothing: it is still another refund of the order, but adds nothing to its sum. */
const counts = (r: LedgerRefund) => r.status !== 'refused' && r.state !== 'CLOSED';
const shown = (r: LedgerRefund) => `${r.outRefundNo} of ${r.amount} fen (${r.state ?? r.status}; by ${r.owner})`;

/** The rule, given the claim, the order's locked total and its refunds so far (this number's row included). */
export function decideRefund(c: RefundClaim, total: number, refunds: readonly LedgerRefund[]): ClaimAnswer {
  const same = refunds.find((r) => r.outRefundNo === c.outRefundNo && r.status !== 'refused');
  // The same number again (a resume, or another operator with the same file): WeChat Pay makes it once.
  if (same) {
    if (same.amount === c.amount) return { ok: true };
    return {
      ok: false,
      code: 'LEDGER_REFUND_NUMBER_TAKEN',
      message: `${c.outRefundNo} is already in the ledger as ${shown(same)}, not ${c.amount} fen`,
    };
  }
  const others = refunds.filter((r) => r.outRefundNo !== c.outRefundNo && r.status !== 'refused');
  if (others.length && !c.allowAdditional)
    return {
      ok: false,
      code: 'LEDGER_ALREADY_REFUNDED',
      message: `order ${c.orderKey} already has refund ${others.map(shown).join(', ')} in the ledger; not refunded again as ${c.outRefundNo} (only with --allow-additional-refund)`,
    };
  const limit = Math.min(total, c.total);
  const sum = others.filter(counts).reduce((s, r) => s + r.amount, 0) + c.amount;
  if (sum > limit)
    return {
      ok: false,
      code: 'LEDGER_REFUND_EXCEEDS_TOTAL',
      message: `refunds of order ${c.orderKey} would add up to ${sum} fen, more than its total ${limit}: ${others.map(shown).join(', ')} in the ledger, and ${c.outRefundNo} of ${c.amount} fen`,
    };
  return { ok: true };
}

const REFUNDS_OF_ORDER = `
SELECT out_refund_no AS "outRefundNo", order_key AS "orderKey", amount, status, state, owner
  FROM wxpay_ledger_refunds WHERE mchid = $1 AND (order_key = $2 OR out_refund_no = $3)`;

const START_REFUND = `
INSERT INTO wxpay_ledger_refunds (mchid, out_refund_no, order_key, amount, status, owner)
VALUES ($1, $2, $3, $4, 'started', $5)
ON CONFLICT (mchid, out_refund_no) DO UPDATE
  SET order_key = EXCLUDED.order_key, amount = EXCLUDED.amount, status = 'started', state = NULL,
      refund_id = NULL, owner = EXCLUDED.owner, started_at = now(), finished_at = NULL
  WHERE wxpay_ledger_refunds.status = 'refused'`;

async function claimRefund(pool: pg.Pool, c: RefundClaim): Promise<ClaimAnswer> {
  return inTransaction(pool, async (db) => {
    await db.query(
      'INSERT INTO wxpay_ledger_orders (mchid, order_key, total) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
      [c.mchid, c.orderKey, c.total],
    );
    const order = await db.query<{ total: number }>(
      'SELECT total FROM wxpay_ledger_orders WHERE mchid = $1 AND order_key = $2 FOR UPDATE',
      [c.mchid, c.orderKey],
    );
    const refunds = (await db.query<LedgerRefund>(REFUNDS_OF_ORDER, [c.mchid, c.orderKey, c.outRefundNo])).rows;
    const taken = refunds.find((r) => r.outRefundNo === c.outRefundNo && r.orderKey !== c.orderKey);
    if (taken && taken.status !== 'refused')
      return {
        ok: false,
        code: 'LEDGER_REFUND_NUMBER_TAKEN',
        message: `${c.outRefundNo} is already in the ledger for order ${taken.orderKey}: ${shown(taken)}`,
      };
    const answer = decideRefund(c, order.rows[0]?.total ?? c.total, refunds);
    if (!answer.ok) return answer;
    const started = await db.query(START_REFUND, [c.mchid, c.outRefundNo, c.orderKey, c.amount, c.owner]);
    // Nothing written and no row of ours seen: a claim for another order took the number meanwhile.
    if (!started.rowCount && !refunds.some((r) => r.outRefundNo === c.outRefundNo && r.status !== 'refused'))
      return {
        ok: false,
        code: 'LEDGER_REFUND_NUMBER_TAKEN',
        message: `${c.outRefundNo} was just claimed for another order`,
      };
    return answer;
  });
}

const START_TRANSFER = `
INSERT INTO wxpay_ledger_transfers AS t (mchid, out_bill_no, amount, status, owner)
VALUES ($1, $2, $3, 'started', $4)
ON CONFLICT (mchid, out_bill_no) DO UPDATE
  SET amount = EXCLUDED.amount, status = 'started', state = NULL, owner = EXCLUDED.owner, started_at = now(),
      finished_at = NULL
  WHERE t.owner = EXCLUDED.owner OR t.status = 'refused'
RETURNING out_bill_no`;

async function claimTransfer(pool: pg.Pool, c: TransferClaim): Promise<ClaimAnswer> {
  // One statement: the row's lock makes a concurrent claim of the same out_bill_no wait, then see this one.
  const r = await pool.query(START_TRANSFER, [c.mchid, c.outBillNo, c.amount, c.owner]);
  if (r.rowCount) return { ok: true };
  const held = await pool.query<{ owner: string; status: string; amount: number }>(
    'SELECT owner, status, amount FROM wxpay_ledger_transfers WHERE mchid = $1 AND out_bill_no = $2',
    [c.mchid, c.outBillNo],
  );
  const h = held.rows[0];
  return {
    ok: false,
    code: 'LEDGER_TRANSFER_STARTED',
    message: `transfer ${c.outBillNo} was already started by another batch (${h ? `${h.owner}, ${h.amount} fen, ${h.status}` : '?'}); not started again`,
  };
}

export interface Settlement {
  status: Exclude<LedgerStatus, 'started'>;
  state?: string | undefined;
  id?: string | undefined;
}

export interface BatchLedgerStore {
  claimRefund(c: RefundClaim): Promise<ClaimAnswer>;
  settleRefund(mchid: string, outRefundNo: string, s: Settlement): Promise<void>;
  claimTransfer(c: TransferClaim): Promise<ClaimAnswer>;
  settleTransfer(mchid: string, outBillNo: string, s: Settlement): Promise<void>;
}

export function batchLedgerStore(pool: pg.Pool): BatchLedgerStore {
  return {
    claimRefund: (c) => claimRefund(pool, c),
    claimTransfer: (c) => claimTransfer(pool, c),
    async settleRefund(mchid, no, s) {
      await pool.query(
        `UPDATE wxpay_ledger_refunds SET status = $3, state = coalesce($4, state), refund_id = coalesce($5, refund_id),
            finished_at = now() WHERE mchid = $1 AND out_refund_no = $2`,
        [mchid, no, s.status, s.state ?? null, s.id ?? null],
      );
    },
    async settleTransfer(mchid, no, s) {
      await pool.query(
        `UPDATE wxpay_ledger_transfers SET status = $3, state = coalesce($4, state), finished_at = now()
          WHERE mchid = $1 AND out_bill_no = $2`,
        [mchid, no, s.status, s.state ?? null],
      );
    },
  };
}
