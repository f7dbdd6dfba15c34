// Batch operations (refunds, order queries, order closes from a CSV): the shared vocabulary of the pure
// modules (reader, validator, journal, planner, runner) so each stays small and testable on its own.

export type BatchKind = 'refund' | 'query' | 'close' | 'transfer';
export const BATCH_KINDS: readonly BatchKind[] = ['refund', 'query', 'close', 'transfer'];

/** One validated input row. `key` identifies it in the journal (out_refund_no, or the order number). */
export interface BatchRow {
  /** 1-based line in the file where the record starts (the header is line 1). */
  line: number;
  key: string;
  outTradeNo?: string;
  transactionId?: string;
  /** Refunds only: integer fen. */
  outRefundNo?: string;
  amount?: number;
  total?: number;
  reason?: string;
  /** Transfers only (key = out_bill_no; amount is the transfer's, in fen). */
  outBillNo?: string;
  openid?: string;
  sceneId?: string;
  remark?: string;
  /** Plaintext payee name: encrypted per send, and never journaled. */
  userName?: string;
}

/** A finished or unfinished outcome of one row. */
export type RowStatus = 'succeeded' | 'rejected' | 'unknown' | 'pending';

export interface RowResult {
  line: number;
  key: string;
  status: RowStatus;
  /** refund_id (refund), transaction_id (query); empty for close. */
  id?: string;
  /** The refund status, the trade_state, or CLOSED. */
  state?: string;
  /** WeChat Pay's error code (FREQUENCY_LIMITED, NOT_ENOUGH, …) or ours (TIMEOUT, NETWORK, …). */
  code?: string;
  message?: string;
  /** True when the outcome came from an earlier run's journal; nothing was sent this time. */
  fromJournal?: boolean;
}

/** The order a refund belongs to, as WeChat Pay's answer names it (a row may name it either way). */
export interface OrderIds {
  outTradeNo?: string;
  transactionId?: string;
}

/** The journal is NDJSON; each line is one of these. */
export type JournalRecord =
  | { type: 'batch'; v: 1; kind: BatchKind; input: string; at: string }
  | { type: 'start'; key: string; line: number; request: unknown; at: string }
  | {
      type: 'done';
      key: string;
      status: 'succeeded' | 'rejected';
      id?: string;
      state?: string;
      code?: string;
      message?: string;
      order?: OrderIds;
      at: string;
    }
  | { type: 'unknown'; key: string; code: string; message: string; at: string }
  /** A look-up found no such refund: nothing was made under this key, so it may be sent (or changed) freely. */
  | { type: 'absent'; key: string; at: string };

/** What a finished send or look-up says about a row. */
export type Outcome =
  | { kind: 'succeeded'; id?: string; state?: string; message?: string; order?: OrderIds }
  | { kind: 'rejected'; code: string; message: string }
  /** Timeout, network failure, 5xx, 429 or an unverifiable answer: WeChat Pay may or may not have acted. */
  | {
      kind: 'unknown';
      code: string;
      message: string;
      rateLimited: boolean;
      retriable?: boolean;
      /** Wait at least this long before the next attempt (refunds of one order a minute apart). */
      retryAfterMs?: number;
      /** No answer came (timeout, lost connection) or only "accepted" (202): WeChat Pay may still act on the
       *  request, so a look-up's "not found" is not trusted until the request timeout has passed (in-flight.ts). */
      inFlight?: boolean;
    }
  /** Look-ups only: WeChat Pay has no record of it, so sending is safe. */
  | { kind: 'not-found' };
