// Batch operations over the typed API functions (docs/protocol.md §5): refund create + look-up by out_refund_no,
// order query, order close. Refund sends go out with the client's own retries off (idempotent: false):
// after an unknown outcome the runner must look the refund up before anything is sent again.
import { queryRefund, refundBody, refundRequest, type Refund, type RefundInput } from '../api/refunds.js';
import { closeRequest, queryOrder, queryRequest, type OrderRef, type Transaction } from '../api/transactions.js';
import type { WxpayClient } from '../http/client.js';
import { classifyError, lookupFailure } from './classify.js';
import type { BatchOps } from './runner.js';
import { transferOps, transferPreview, type TransferSettings } from './transfer-ops.js';
import type { BatchKind, BatchRow, Outcome } from './types.js';

export interface OpsSettings {
  /** Refunds: the profile's notifyUrl, written into every body (and so into the journal). */
  notifyUrl?: string;
  /** Transfers: the AppID and the batch-wide fields (--appid, --perception, --scene-report). */
  transfer?: Omit<TransferSettings, 'notifyUrl'>;
}

const transferSettings = (s: OpsSettings): TransferSettings => ({
  ...(s.transfer ?? { appid: '' }),
  ...(s.notifyUrl ? { notifyUrl: s.notifyUrl } : {}),
});

export function refundInputOf(row: BatchRow, s: OpsSettings = {}): RefundInput {
  return {
    ...(row.transactionId ? { transactionId: row.transactionId } : { outTradeNo: row.outTradeNo! }),
    outRefundNo: row.outRefundNo!,
    refund: row.amount!,
    total: row.total!,
    ...(row.reason ? { reason: row.reason } : {}),
    ...(s.notifyUrl ? { notifyUrl: s.notifyUrl } : {}),
  };
}

const orderRefOf = (row: BatchRow): OrderRef =>
  row.transactionId ? { transactionId: row.transactionId } : { outTradeNo: row.outTradeNo! };

/** The request each row would send, as `--dry-run` prints it and the journal records it. */
export function requestOf(
  kind: BatchKind,
  client: Pick<WxpayClient, 'merchant'>,
  row: BatchRow,
  s: OpsSettings = {},
): { method: string; path: string; body?: unknown } {
  if (kind === 'refund') {
    const r = refundRequest(refundInputOf(row, s));
    return { method: r.method, path: r.path, body: r.body };
  }
  if (kind === 'transfer') return transferPreview(row, transferSettings(s));
  if (kind === 'close') {
    const r = closeRequest(client, row.outTradeNo!);
    return { method: r.method, path: r.path, body: r.body };
  }
  const r = queryRequest(client, orderRefOf(row));
  return { method: r.method, path: `${r.path}?${new URLSearchParams(r.query).toString()}` };
}

async function attempt<T>(
  fn: () => Promise<T>,
  ok: (value: T) => Outcome,
): Promise<Exclude<Outcome, { kind: 'not-found' }>> {
  try {
    return ok(await fn()) as Exclude<Outcome, { kind: 'not-found' }>;
  } catch (e) {
    return classifyError(e);
  }
}

/** A 2xx we cannot read as the expected object (202 "accepted, not processed", an empty body): outcome unknown. */
const unreadable = (what: string, status?: number): Outcome => ({
  kind: 'unknown',
  code: status === 202 ? 'HTTP_202' : 'UNEXPECTED_ANSWER',
  rateLimited: false,
  ...(status === 202 ? { inFlight: true } : {}),
  message: status === 202 ? 'HTTP 202: accepted but not processed yet' : `the answer is not a ${what}`,
});

/** The order a refund answer names, kept in the journal so the ledger matches rows that name it the other way. */
const orderOf = (r: Refund) =>
  r.out_trade_no || r.transaction_id
    ? {
        order: {
          ...(r.out_trade_no ? { outTradeNo: r.out_trade_no } : {}),
          ...(r.transaction_id ? { transactionId: r.transaction_id } : {}),
        },
      }
    : {};

const refundDone = (r: Refund | undefined, status?: number): Outcome =>
  status !== 202 && r && typeof r.status === 'string'
    ? { kind: 'succeeded', ...(r.refund_id ? { id: r.refund_id } : {}), state: r.status, ...orderOf(r) }
    : unreadable('refund', status);

const tradeStateOf = (t: Transaction | undefined): Outcome =>
  t && typeof t.trade_state === 'string'
    ? { kind: 'succeeded', ...(t.transaction_id ? { id: t.transaction_id } : {}), state: t.trade_state }
    : unreadable('transaction');

export function opsFor(kind: BatchKind, client: WxpayClient, s: OpsSettings = {}): BatchOps {
  if (kind === 'transfer') return transferOps(client, transferSettings(s));
  if (kind === 'refund') {
    return {
      mutating: true,
      request: (row) => refundBody(refundInputOf(row, s)),
      send: (row) =>
        attempt(
          () => client.request({ ...refundRequest(refundInputOf(row, s)), idempotent: false }),
          (res) => refundDone(res.data as Refund | undefined, res.status),
        ),
      async lookup(row) {
        try {
          // An empty or odd answer body is possible whatever the type says.
          const r = (await queryRefund(client, row.outRefundNo!)) as Refund | null;
          if (!r || typeof r.status !== 'string') return unreadable('refund');
          const otherOrder =
            (row.outTradeNo && r.out_trade_no && r.out_trade_no !== row.outTradeNo) ||
            (row.transactionId && r.transaction_id && r.transaction_id !== row.transactionId);
          if (otherOrder || (r.amount?.refund !== undefined && r.amount.refund !== row.amount)) {
            // Someone used this out_refund_no for another refund: settle the row as refused, never resend.
            return {
              kind: 'rejected',
              code: 'OUT_REFUND_NO_CONFLICT',
              message: `${row.outRefundNo} already exists as a refund of ${r.amount?.refund ?? '?'} fen on ${r.out_trade_no ?? r.transaction_id}: check the file`,
            };
          }
          return refundDone(r);
        } catch (e) {
          return lookupFailure(e);
        }
      },
    };
  }
  if (kind === 'close') {
    return {
      // Closing twice is harmless, so an unknown outcome is simply sent again; still journaled as started.
      mutating: true,
      request: (row) => requestOf('close', client, row, s).body,
      recheck: (row) => attempt(() => queryOrder(client, orderRefOf(row)), tradeStateOf),
      send: (row) =>
        attempt(
          () => client.request({ ...closeRequest(client, row.outTradeNo!), idempotent: false }),
          (res) => (res.status === 202 ? unreadable('close', 202) : { kind: 'succeeded', state: 'CLOSED' }),
        ),
    };
  }
  return {
    mutating: false,
    request: () => undefined,
    send: (row) => attempt(() => queryOrder(client, orderRefOf(row)), tradeStateOf),
  };
}
