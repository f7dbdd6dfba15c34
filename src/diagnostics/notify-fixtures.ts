// `notify trigger`'s realistic decrypted objects (docs/protocol.md §4 and §12: transaction, refund and transfer) and the
// `--set <path>=<value>` overrides. Pure: every id, time and amount is an input.
import { WxpayError } from '../protocol/errors.js';
import type { OriginalType } from '../protocol/notification.js';

export const TRIGGER_EVENTS = [
  'TRANSACTION.SUCCESS',
  'REFUND.SUCCESS',
  'REFUND.ABNORMAL',
  'REFUND.CLOSED',
  'MCHTRANSFER.BILL.FINISHED',
  'COMPLAINT.CREATE',
  'COMPLAINT.STATE_CHANGE',
  'PROFITSHARING.SUCCESS',
  'PROFITSHARING.RETURN',
] as const;
export type TriggerEvent = (typeof TRIGGER_EVENTS)[number];

/** resource.original_type (and the AEAD associated data) of each event family. */
export function originalTypeOf(event: TriggerEvent): OriginalType {
  if (event.startsWith('REFUND.')) return 'refund';
  if (event.startsWith('MCHTRANSFER.')) return 'mch_payment';
  if (event.startsWith('COMPLAINT.')) return 'complaint';
  if (event.startsWith('PROFITSHARING.')) return 'profitsharing';
  return 'transaction';
}

export interface FixtureInput {
  mchid: string;
  appid: string;
  outTradeNo: string;
  amount: number;
  transactionId: string;
  refundId: string;
  outRefundNo: string;
  /** MCHTRANSFER.*: WeChat Pay's 40-digit transfer_bill_no (out_bill_no is outTradeNo). */
  transferBillNo: string;
  complaintId: string;
  /** Profit sharing: WeChat Pay's split (or return) id and the merchant's number for it. */
  orderId: string;
  outOrderNo: string;
  openid: string;
  /** RFC 3339 with +08:00, as WeChat Pay writes times. */
  time: string;
}

/** docs/protocol.md §15: what a merchant receiver is told about money split to it or returned from it. */
function profitSharingResource(event: TriggerEvent, f: FixtureInput): Record<string, unknown> {
  return {
    mchid: f.mchid,
    transaction_id: f.transactionId,
    order_id: f.orderId,
    out_order_no: f.outOrderNo,
    receiver: {
      type: 'MERCHANT_ID',
      account: '1900000109',
      amount: f.amount,
      description: event === 'PROFITSHARING.RETURN' ? '用户退款' : '分给商户1900000109',
    },
    success_time: f.time,
  };
}

export function plausibleResource(event: TriggerEvent, f: FixtureInput): Record<string, unknown> {
  // A complaint notification names the complaint and what happened; the rest is in `complaint show`.
  if (event === 'COMPLAINT.CREATE') return { complaint_id: f.complaintId, action_type: 'CREATE_COMPLAINT' };
  if (event === 'COMPLAINT.STATE_CHANGE') return { complaint_id: f.complaintId, action_type: 'MERCHANT_RESPONSE' };
  if (event.startsWith('PROFITSHARING')) return profitSharingResource(event, f);
  if (event === 'TRANSACTION.SUCCESS') {
    return {
      appid: f.appid,
      mchid: f.mchid,
      out_trade_no: f.outTradeNo,
      transaction_id: f.transactionId,
      trade_type: 'NATIVE',
      trade_state: 'SUCCESS',
      trade_state_desc: '支付成功',
      bank_type: 'OTHERS',
      attach: '',
      success_time: f.time,
      payer: { openid: f.openid },
      amount: { total: f.amount, payer_total: f.amount, currency: 'CNY', payer_currency: 'CNY' },
    };
  }
  if (event === 'MCHTRANSFER.BILL.FINISHED') {
    return {
      mchid: f.mchid,
      out_bill_no: f.outTradeNo,
      transfer_bill_no: f.transferBillNo,
      state: 'SUCCESS',
      transfer_amount: f.amount,
      openid: f.openid,
      create_time: f.time,
      update_time: f.time,
    };
  }
  const status = event === 'REFUND.SUCCESS' ? 'SUCCESS' : event === 'REFUND.ABNORMAL' ? 'ABNORMAL' : 'CLOSED';
  return {
    mchid: f.mchid,
    transaction_id: f.transactionId,
    out_trade_no: f.outTradeNo,
    refund_id: f.refundId,
    out_refund_no: f.outRefundNo,
    refund_status: status,
    ...(status === 'SUCCESS' ? { success_time: f.time } : {}),
    user_received_account: '支付用户零钱',
    amount: { total: f.amount, refund: f.amount, payer_total: f.amount, payer_refund: f.amount },
  };
}

/** `a.b.c=value`: the value is JSON when it parses (numbers, true, null, objects), otherwise a string. */
export function applySet(target: Record<string, unknown>, assignment: string): void {
  const eq = assignment.indexOf('=');
  if (eq <= 0)
    throw new WxpayError('USAGE', `--set "${assignment}" is not <path>=<value>`, {
      hint: 'e.g. --set amount.total=1 --set attach=order-42',
    });
  const keys = assignment.slice(0, eq).split('.');
  const raw = assignment.slice(eq + 1);
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    value = raw;
  }
  let node = target;
  for (const k of keys.slice(0, -1)) {
    const next = node[k];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) node[k] = {};
    node = node[k] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]!] = value;
}
