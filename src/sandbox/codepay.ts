// Payment code (付款码, docs/protocol.md §18) in the sandbox. The scanned code decides what the simulated payer
// does, like a card issuer's test numbers: codes starting 1311 need a password that the payer enters by the next
// order query; 1312 need one the payer never enters (cancels); any other valid code pays at once. A waiting order is
// USERPAYING, answered 202 {code:"USERPAYING"}; reverse closes it (REVOKED) or, once paid, refunds it whole.
import type { AuthorizationFields } from '../protocol/canonical.js';
import { AUTH_CODE } from '../protocol/ids.js';
import { SandboxApiError, invalidRequest } from './api-error.js';
import type { SandboxContext } from './context.js';
import { checkMerchantIds, markPaid, sortedJson, transactionJson } from './orders.js';
import type { RouteResult } from './router.js';
import { int, obj, outTradeNo, req, str } from './schemas.js';
import { newIds, orderKey, refundKey, type OrderRecord } from './state.js';
import type { Schema } from './validate.js';

type Body = Record<string, unknown>;

/** The sandbox's test codes (README "Point of sale: payment code"). */
export const TEST_CODE_PREFIX = { confirmsOnQuery: '1311', neverConfirms: '1312' } as const;
/** The v2 reverse page: only orders of the last 7 days can be reversed. */
const REVERSE_WINDOW_MS = 7 * 86_400_000;
const USERPAYING_ANSWER = { code: 'USERPAYING', message: '用户支付中，需要输入密码' };

export const codepaySchema: Schema = obj(
  {
    appid: req(str(32, { label: '应用ID' })),
    mchid: req(str(32, { label: '直连商户号' })),
    description: req(str(127, { label: '商品描述', unit: 'chars' })),
    out_trade_no: req(outTradeNo),
    attach: str(128, { label: '附加数据' }),
    goods_tag: str(32),
    support_fapiao: { type: 'boolean' },
    payer: obj({ auth_code: req(str(18, { pattern: AUTH_CODE, label: '付款码' })) }, true),
    amount: obj(
      { total: req({ ...int(1), label: '总金额' }), currency: { type: 'string', enum: ['CNY'], label: '货币类型' } },
      true,
    ),
    scene_info: obj(
      {
        device_id: str(32),
        device_ip: req(str(45, { label: '商户端设备IP' })),
        store_info: obj({ id: str(32), out_id: str(32) }),
      },
      true,
    ),
    detail: obj({ cost_price: int(0), invoice_id: str(32) }),
    settle_info: obj({ profit_sharing: { type: 'boolean' } }),
  },
  true,
);

export const reverseSchema: Schema = obj(
  { appid: req(str(32, { label: '应用ID' })), mchid: req(str(32, { label: '直连商户号' })) },
  true,
);

/** What an order's state answers to a submit, first or repeated with the same body. */
function answerFor(order: OrderRecord): RouteResult {
  if (order.tradeState === 'USERPAYING') return { status: 202, body: USERPAYING_ANSWER };
  if (order.tradeState === 'REVOKED') throw new SandboxApiError(400, 'ORDER_CLOSED', '订单已撤销');
  if (order.tradeState === 'CLOSED') throw new SandboxApiError(400, 'ORDER_CLOSED', '订单已关闭');
  return { status: 200, body: transactionJson(order) };
}

export function codepay(ctx: SandboxContext, body: Body, auth: AuthorizationFields): RouteResult {
  checkMerchantIds(ctx, body, false, auth);
  const key = orderKey(auth.mchid, undefined, body.out_trade_no as string);
  const request = `codepay:${sortedJson(body)}`;
  const existing = ctx.state.orders.get(key);
  if (existing) {
    // The same body again (a resend after a lost answer) gets the same order, never a second charge.
    if (existing.request !== request) throw new SandboxApiError(403, 'OUT_TRADE_NO_USED', '商户订单号重复');
    return answerFor(existing);
  }
  const authCode = (body.payer as { auth_code: string }).auth_code;
  const amount = body.amount as { total: number; currency?: string };
  const order: OrderRecord = {
    key,
    partner: false,
    kind: 'codepay',
    mchid: auth.mchid,
    appid: body.appid as string,
    outTradeNo: body.out_trade_no as string,
    prepayId: '',
    tradeState: 'NOTPAY',
    description: body.description as string,
    notifyUrl: '',
    total: amount.total,
    currency: amount.currency ?? 'CNY',
    request,
    createTime: ctx.now(),
    ...(body.attach !== undefined ? { attach: body.attach as string } : {}),
  };
  if (authCode.startsWith(TEST_CODE_PREFIX.confirmsOnQuery)) order.payerConfirms = 'on-query';
  if (authCode.startsWith(TEST_CODE_PREFIX.neverConfirms)) order.payerConfirms = 'never';
  if (order.payerConfirms) {
    order.tradeState = 'USERPAYING';
    ctx.state.putOrder(order);
  } else markPaid(ctx, order);
  return answerFor(order);
}

/** The order query: a payer who confirms "by the next query" has entered the password by now. */
export function onQuery(ctx: SandboxContext, order: OrderRecord): OrderRecord {
  if (order.tradeState === 'USERPAYING' && order.payerConfirms === 'on-query') markPaid(ctx, order);
  return order;
}

/** Reverse (撤销): unpaid -> REVOKED; paid -> refunded whole, then REVOKED; reversing again changes nothing. */
export function reverse(ctx: SandboxContext, order: OrderRecord): void {
  if (order.kind !== 'codepay') throw invalidRequest('只有付款码支付的订单可以撤销');
  if (order.tradeState === 'REVOKED') return;
  const now = ctx.now();
  if (now - order.createTime > REVERSE_WINDOW_MS) throw invalidRequest('订单已超过可撤销时间（7天）');
  if (order.tradeState === 'CLOSED') throw new SandboxApiError(400, 'ORDER_CLOSED', '订单已关闭');
  if (order.tradeState === 'REFUND') throw invalidRequest('订单已发生退款，不能撤销');
  if (order.tradeState === 'SUCCESS') refundWhole(ctx, order, now);
  order.tradeState = 'REVOKED';
  order.closeTime = now;
  ctx.state.putOrder(order);
}

/** The refund a reverse makes of a paid order: whole, at once, so bills list it like any refund. */
function refundWhole(ctx: SandboxContext, order: OrderRecord, now: number): void {
  const outRefundNo = `REVERSE-${order.outTradeNo}`;
  ctx.state.putRefund({
    key: refundKey(order.mchid, order.subMchid, outRefundNo),
    orderKey: order.key,
    mchid: order.mchid,
    outRefundNo,
    refundId: newIds.refundId(now),
    transactionId: order.transactionId!,
    outTradeNo: order.outTradeNo,
    status: 'SUCCESS',
    refund: order.total,
    total: order.total,
    currency: order.currency,
    reason: '撤销',
    request: 'reverse',
    createTime: now,
    successTime: now,
  });
}
