// Refund rules (docs/protocol.md §5, §11): the order must be paid, amount.total must match it, the refund must fit in
// what is left (400 INVALID_REQUEST "申请退款金额超过订单可退金额"; NOT_ENOUGH is the merchant's balance, which the
// sandbox never runs short of), refunds of one order are a minute apart, the same out_refund_no is idempotent, and a
// refund goes PROCESSING -> SUCCESS | ABNORMAL | CLOSED.
import type { AuthorizationFields } from '../protocol/canonical.js';
import { SandboxApiError, frequencyLimited, invalidRequest, paramError, resourceNotExists } from './api-error.js';
import type { SandboxContext } from './context.js';
import { refresh } from './order-times.js';
import { newIds, orderKey, refundKey, type OrderRecord, type RefundRecord, type RefundStatus } from './state.js';
import { chinaRfc3339 } from '../protocol/china-time.js';

type Body = Record<string, unknown>;
const MAX_REFUNDS = 50;
/** What production answers for a refund larger than the order's refundable rest (captured v3 answers). */
export const EXCEEDS_REFUNDABLE = '申请退款金额超过订单可退金额';
/** The refund pages: "同一笔订单多次退款的请求需相隔1分钟"; the code for breaking it is our choice. */
export const DEFAULT_REFUND_SPACING_MS = 60_000;
export const SAME_ORDER_SPACING = '同一笔订单多次退款的请求需相隔1分钟';

function findOrder(ctx: SandboxContext, mchid: string, subMchid: string | undefined, body: Body): OrderRecord {
  if (body.transaction_id === undefined && body.out_trade_no === undefined) {
    throw paramError('transaction_id和out_trade_no必须二选一进行传参');
  }
  const order =
    body.transaction_id !== undefined
      ? ctx.state.orderByTransactionId(body.transaction_id as string)
      : ctx.state.orders.get(orderKey(mchid, subMchid, body.out_trade_no as string));
  if (!order || order.mchid !== mchid || order.subMchid !== subMchid) throw resourceNotExists('订单不存在');
  return order;
}

/** Money still refundable: the total minus every refund that is not CLOSED. */
export const refundable = (ctx: SandboxContext, order: OrderRecord): number =>
  order.total -
  ctx.state
    .refundsOf(order)
    .filter((r) => r.status !== 'CLOSED')
    .reduce((sum, r) => sum + r.refund, 0);

export function createRefund(ctx: SandboxContext, body: Body, auth: AuthorizationFields): RefundRecord {
  const mchid = auth.mchid;
  const subMchid = body.sub_mchid as string | undefined;
  const key = refundKey(mchid, subMchid, body.out_refund_no as string);
  const request = JSON.stringify([body.transaction_id, body.out_trade_no, body.amount]);
  const existing = ctx.state.refunds.get(key);
  if (existing) {
    if (existing.request !== request) throw invalidRequest('退款单号重复，且与之前的请求参数不一致');
    return existing;
  }
  const order = refresh(ctx, findOrder(ctx, mchid, subMchid, body));
  if (order.tradeState !== 'SUCCESS' && order.tradeState !== 'REFUND')
    throw invalidRequest(`订单状态为${order.tradeState}，不能发起退款`);
  const amount = body.amount as { refund: number; total: number; currency: string };
  if (amount.total !== order.total) throw paramError('订单金额与原订单金额不一致', 'body', amount.total);
  const earlier = ctx.state.refundsOf(order);
  if (earlier.length >= MAX_REFUNDS) throw invalidRequest('部分退款次数超过50次');
  if (amount.refund > refundable(ctx, order)) throw invalidRequest(EXCEEDS_REFUNDABLE);
  const now = ctx.now();
  const last = Math.max(...earlier.map((r) => r.createTime));
  if (now - last < ctx.refundSpacingMs) throw frequencyLimited(SAME_ORDER_SPACING);
  const refund: RefundRecord = {
    key,
    orderKey: order.key,
    mchid,
    outRefundNo: body.out_refund_no as string,
    refundId: newIds.refundId(now),
    transactionId: order.transactionId!,
    outTradeNo: order.outTradeNo,
    status: 'PROCESSING',
    refund: amount.refund,
    total: amount.total,
    currency: amount.currency,
    request,
    createTime: now,
    ...(subMchid ? { subMchid } : {}),
    ...(body.reason !== undefined ? { reason: body.reason as string } : {}),
    ...(body.notify_url !== undefined ? { notifyUrl: body.notify_url as string } : {}),
    ...(body.funds_account !== undefined ? { fundsAccount: body.funds_account as string } : {}),
  };
  ctx.state.putRefund(refund);
  order.tradeState = 'REFUND';
  ctx.state.putOrder(order);
  if (ctx.autoRefundMs >= 0) {
    ctx.later(ctx.autoRefundMs, () => {
      if (refund.status === 'PROCESSING') finishRefund(ctx, refund, 'SUCCESS');
    });
  }
  return refund;
}

/** Moves a PROCESSING refund to its outcome and sends REFUND.<status> to its notify_url. */
export function finishRefund(
  ctx: SandboxContext,
  refund: RefundRecord,
  status: Exclude<RefundStatus, 'PROCESSING'>,
): RefundRecord {
  if (refund.status !== 'PROCESSING') {
    throw new SandboxApiError(409, 'INVALID_STATE', `Refund ${refund.outRefundNo} is already ${refund.status}`);
  }
  refund.status = status;
  if (status === 'SUCCESS') refund.successTime = ctx.now();
  ctx.state.putRefund(refund);
  if (refund.notifyUrl) {
    ctx.notifier.send(refund.notifyUrl, `REFUND.${status}`, 'refund', refundNotificationJson(refund), {
      outRefundNo: refund.outRefundNo,
      outTradeNo: refund.outTradeNo,
    });
  }
  return refund;
}

export function refundJson(refund: RefundRecord): Body {
  return {
    refund_id: refund.refundId,
    out_refund_no: refund.outRefundNo,
    transaction_id: refund.transactionId,
    out_trade_no: refund.outTradeNo,
    channel: refund.channel ?? 'ORIGINAL',
    user_received_account: refund.receivedAccount ?? '支付用户零钱',
    ...(refund.successTime !== undefined ? { success_time: chinaRfc3339(refund.successTime) } : {}),
    create_time: chinaRfc3339(refund.createTime),
    status: refund.status,
    funds_account: refund.fundsAccount ?? 'AVAILABLE',
    amount: {
      total: refund.total,
      refund: refund.refund,
      from: [],
      payer_total: refund.total,
      payer_refund: refund.refund,
      settlement_refund: refund.refund,
      settlement_total: refund.total,
      discount_refund: 0,
      currency: refund.currency,
      refund_fee: 0,
    },
    promotion_detail: [],
  };
}

export function refundNotificationJson(refund: RefundRecord): Body {
  return {
    ...(refund.subMchid ? { sp_mchid: refund.mchid, sub_mchid: refund.subMchid } : { mchid: refund.mchid }),
    transaction_id: refund.transactionId,
    out_trade_no: refund.outTradeNo,
    refund_id: refund.refundId,
    out_refund_no: refund.outRefundNo,
    refund_status: refund.status,
    ...(refund.successTime !== undefined ? { success_time: chinaRfc3339(refund.successTime) } : {}),
    user_received_account: refund.receivedAccount ?? '支付用户零钱',
    amount: { total: refund.total, refund: refund.refund, payer_total: refund.total, payer_refund: refund.refund },
  };
}
