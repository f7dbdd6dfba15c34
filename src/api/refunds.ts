// docs/protocol.md §5: domestic refunds. Create (retried safely: out_refund_no is the idempotency key, and the body
// is the same on every attempt) and query by out_refund_no.
import type { WxpayClient } from '../http/client.js';
import { ENDPOINTS, fillPath } from '../protocol/endpoints.js';
import { encryptSensitive, type EncryptionKey } from '../protocol/sensitive.js';
import { needKey, sealedHeaders } from './profitsharing.js';

export interface RefundInput {
  outTradeNo?: string;
  transactionId?: string;
  outRefundNo: string;
  /** Integer fen. */
  refund: number;
  /** Integer fen: the original order total. */
  total: number;
  currency?: string;
  reason?: string | undefined;
  notifyUrl?: string | undefined;
  fundsAccount?: string;
  subMchid?: string | undefined;
}

export interface Refund {
  refund_id?: string;
  out_refund_no: string;
  transaction_id?: string;
  out_trade_no?: string;
  channel?: string;
  user_received_account?: string;
  success_time?: string;
  create_time?: string;
  status: string;
  amount?: { total?: number; refund?: number; payer_total?: number; payer_refund?: number; currency?: string };
  [k: string]: unknown;
}

export function refundBody(input: RefundInput): Record<string, unknown> {
  return {
    ...(input.subMchid ? { sub_mchid: input.subMchid } : {}),
    ...(input.transactionId ? { transaction_id: input.transactionId } : { out_trade_no: input.outTradeNo }),
    out_refund_no: input.outRefundNo,
    ...(input.reason ? { reason: input.reason } : {}),
    ...(input.notifyUrl ? { notify_url: input.notifyUrl } : {}),
    ...(input.fundsAccount ? { funds_account: input.fundsAccount } : {}),
    amount: { refund: input.refund, total: input.total, currency: input.currency ?? 'CNY' },
  };
}

export function refundRequest(input: RefundInput) {
  return { method: 'POST', path: ENDPOINTS.refunds, body: refundBody(input), idempotent: true } as const;
}

export async function createRefund(client: WxpayClient, input: RefundInput): Promise<Refund> {
  const res = await client.request(refundRequest(input));
  return res.data as Refund;
}

/** GET /v3/refund/domestic/refunds/{out_refund_no}. */
export function refundQueryRequest(outRefundNo: string, subMchid?: string) {
  return {
    method: 'GET',
    path: fillPath(ENDPOINTS.refundByOutRefundNo, { out_refund_no: outRefundNo }),
    ...(subMchid ? { query: { sub_mchid: subMchid } } : {}),
  } as const;
}

export async function queryRefund(client: WxpayClient, outRefundNo: string, subMchid?: string): Promise<Refund> {
  const res = await client.request(refundQueryRequest(outRefundNo, subMchid));
  return res.data as Refund;
}

export const ABNORMAL_REFUND_TYPES = ['USER_BANK_CARD', 'MERCHANT_BANK_CARD'] as const;
export type AbnormalRefundType = (typeof ABNORMAL_REFUND_TYPES)[number];

export interface AbnormalRefundInput {
  refundId: string;
  outRefundNo: string;
  /** USER_BANK_CARD: to the payer's bank card (bank fields required); MERCHANT_BANK_CARD: to the merchant's. */
  type: AbnormalRefundType;
  bankType?: string | undefined;
  /** Plain text; sent encrypted. */
  bankAccount?: string | undefined;
  /** Plain text; sent encrypted. */
  realName?: string | undefined;
  subMchid?: string | undefined;
}

/** docs/protocol.md §16: after a refund ended ABNORMAL, send it to a bank card instead. */
export function abnormalRefundRequest(input: AbnormalRefundInput, key?: EncryptionKey) {
  const sensitive = input.bankAccount !== undefined || input.realName !== undefined;
  const seal = (plain: string, field: string) => encryptSensitive(needKey(key, field), plain, field);
  return {
    method: 'POST',
    path: fillPath(ENDPOINTS.abnormalRefund, { refund_id: input.refundId }),
    body: {
      ...(input.subMchid ? { sub_mchid: input.subMchid } : {}),
      out_refund_no: input.outRefundNo,
      type: input.type,
      ...(input.bankType ? { bank_type: input.bankType } : {}),
      ...(input.bankAccount !== undefined ? { bank_account: seal(input.bankAccount, 'bank_account') } : {}),
      ...(input.realName !== undefined ? { real_name: seal(input.realName, 'real_name') } : {}),
    },
    // The refund is already identified; applying twice for the same ABNORMAL refund is refused, not doubled.
    idempotent: true,
    ...sealedHeaders(sensitive ? key : undefined),
  } as const;
}

export async function applyAbnormalRefund(
  client: WxpayClient,
  input: AbnormalRefundInput,
  key?: EncryptionKey,
): Promise<Refund> {
  return (await client.request(abnormalRefundRequest(input, key))).data as Refund;
}
