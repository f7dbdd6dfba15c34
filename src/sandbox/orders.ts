// Trade rules (docs/protocol.md §5, §11): prepay with OUT_TRADE_NO_USED on a changed repeat, the state machine
// NOTPAY -> SUCCESS | CLOSED, SUCCESS -> REFUND, and the transaction object as query and notification show it.
// USERPAYING and REVOKED belong to payment-code orders (sandbox/codepay.ts): a failed payment leaves a
// JSAPI/APP/H5/Native order NOTPAY, as the JSAPI development guide says.
import { randomInt } from 'node:crypto';
import type { AuthorizationFields } from '../protocol/canonical.js';
import { SandboxApiError, paramError } from './api-error.js';
import type { SandboxContext } from './context.js';
import { payLink } from './pay-links.js';
import { TOO_LATE_TO_PAY, effectiveTimeExpire, payDeadline, refresh } from './order-times.js';
import type { PrepayKind } from './schemas.js';
import { newIds, orderKey, type OrderKind, type OrderRecord, type TradeState } from './state.js';
import { chinaRfc3339 } from '../protocol/china-time.js';

const PREPAY_TRADE_TYPES = { jsapi: 'JSAPI', app: 'APP', h5: 'MWEB', native: 'NATIVE' };
export const TRADE_TYPES: Record<OrderKind, string> = { ...PREPAY_TRADE_TYPES, codepay: 'MICROPAY' };
const STATE_DESC: Record<TradeState, string> = {
  NOTPAY: '订单未支付',
  SUCCESS: '支付成功',
  CLOSED: '订单已关闭',
  REFUND: '转入退款',
  USERPAYING: '用户支付中（付款码支付）',
  REVOKED: '已撤销（付款码支付）',
};

type Body = Record<string, unknown>;
export const sortedJson = (v: unknown): string =>
  v && typeof v === 'object' && !Array.isArray(v)
    ? `{${Object.keys(v)
        .sort()
        .map((k) => `${JSON.stringify(k)}:${sortedJson((v as Body)[k])}`)
        .join(',')}}`
    : Array.isArray(v)
      ? `[${v.map(sortedJson).join(',')}]`
      : JSON.stringify(v);

export function checkMerchantIds(ctx: SandboxContext, body: Body, partner: boolean, auth: AuthorizationFields): void {
  const [mchField, appField] = partner ? ['sp_mchid', 'sp_appid'] : ['mchid', 'appid'];
  if (body[mchField] !== auth.mchid)
    throw paramError(`${mchField}与Authorization中的商户号不一致`, 'body', body[mchField]);
  if (body[appField] !== ctx.keys.appid)
    throw new SandboxApiError(400, 'APPID_MCHID_NOT_MATCH', `${appField}和mch_id不匹配`, {
      field: `/${appField}`,
      value: body[appField],
      location: 'body',
    });
  if (partner && typeof body.sub_mchid === 'string' && !/^\d{8,12}$/.test(body.sub_mchid))
    throw new SandboxApiError(400, 'MCH_NOT_EXISTS', '子商户号不存在');
  const payer = body.payer as Record<string, string> | undefined;
  if (partner && payer) {
    if (!payer.sp_openid && !payer.sub_openid) throw paramError('sp_openid和sub_openid不能同时为空');
    if (payer.sub_openid && !body.sub_appid) throw paramError('传入sub_openid时sub_appid必填');
  }
}

export function prepay(
  ctx: SandboxContext,
  kind: PrepayKind,
  partner: boolean,
  body: Body,
  auth: AuthorizationFields,
  origin?: string,
): Body {
  checkMerchantIds(ctx, body, partner, auth);
  const mchid = auth.mchid;
  const subMchid = partner ? (body.sub_mchid as string) : undefined;
  const outTradeNo = body.out_trade_no as string;
  const key = orderKey(mchid, subMchid, outTradeNo);
  const request = `${kind}:${sortedJson(body)}`;
  const existing = ctx.state.orders.get(key);
  if (existing) {
    refresh(ctx, existing);
    if (existing.request !== request) throw new SandboxApiError(403, 'OUT_TRADE_NO_USED', '商户订单号重复');
    if (existing.tradeState === 'CLOSED') throw new SandboxApiError(400, 'ORDER_CLOSED', '订单已关闭');
    if (existing.tradeState !== 'NOTPAY') throw new SandboxApiError(400, 'ORDERPAID', '该订单已支付');
    return prepayAnswer(existing);
  }
  const now = ctx.now();
  const amount = body.amount as { total: number; currency?: string };
  const order: OrderRecord = {
    key,
    partner,
    kind,
    mchid,
    appid: (partner ? body.sp_appid : body.appid) as string,
    outTradeNo,
    prepayId: newIds.prepayId(now),
    tradeState: 'NOTPAY',
    description: body.description as string,
    notifyUrl: body.notify_url as string,
    total: amount.total,
    currency: amount.currency ?? 'CNY',
    request,
    createTime: now,
    ...(subMchid ? { subMchid } : {}),
    ...(partner && body.sub_appid ? { subAppid: body.sub_appid as string } : {}),
    ...(body.attach !== undefined ? { attach: body.attach as string } : {}),
    ...payerIds(body.payer),
    ...(body.time_expire ? { timeExpire: effectiveTimeExpire(Date.parse(body.time_expire as string), now) } : {}),
    ...((body.settle_info as { profit_sharing?: boolean } | undefined)?.profit_sharing ? { profitSharing: true } : {}),
  };
  Object.assign(order, payLink(kind, order.prepayId, origin));
  ctx.state.putOrder(order);
  if (ctx.autoPayMs !== undefined) {
    ctx.later(ctx.autoPayMs, () => {
      if (refresh(ctx, order).tradeState === 'NOTPAY' && ctx.now() <= payDeadline(order)) payOrder(ctx, order);
    });
  }
  return prepayAnswer(order);
}

/** The payer's ids as query answers show them; identity (实名支付, encrypted) is never echoed. */
function payerIds(payer: unknown): { payer?: Record<string, string> } {
  const ids = Object.entries((payer ?? {}) as Record<string, string>).filter(([k]) => k !== 'identity');
  return ids.length ? { payer: Object.fromEntries(ids) } : {};
}

function prepayAnswer(order: OrderRecord): Body {
  if (order.kind === 'h5') return { h5_url: order.payUrl };
  if (order.kind === 'native') return { code_url: order.payUrl };
  return { prepay_id: order.prepayId };
}

const adminConflict = (order: OrderRecord, what: string) =>
  new SandboxApiError(
    409,
    'INVALID_STATE',
    `Cannot ${what} order ${order.outTradeNo}: its trade_state is ${order.tradeState}`,
  );

/** The simulated payer pays: SUCCESS, a transaction_id, and a TRANSACTION.SUCCESS notification. */
export function payOrder(ctx: SandboxContext, order: OrderRecord): OrderRecord {
  markPaid(ctx, order);
  if (order.kind === 'codepay') return order; // no notify_url in a payment-code request (docs/protocol.md §18)
  ctx.notifier.send(order.notifyUrl, 'TRANSACTION.SUCCESS', 'transaction', transactionJson(order), {
    outTradeNo: order.outTradeNo,
  });
  return order;
}

/** SUCCESS and a transaction_id, without a notification (a combine order sends one for all its sub-orders). */
export function markPaid(ctx: SandboxContext, order: OrderRecord, openid?: string): OrderRecord {
  const state = refresh(ctx, order).tradeState;
  if (state !== 'NOTPAY' && state !== 'USERPAYING') throw adminConflict(order, 'pay');
  const now = ctx.now();
  if (now > payDeadline(order)) throw new SandboxApiError(409, 'INVALID_STATE', TOO_LATE_TO_PAY);
  order.tradeState = 'SUCCESS';
  order.transactionId = newIds.transactionId(now);
  order.successTime = now;
  const payer = openid ?? `oSandbox${randomInt(1e9, 1e10 - 1)}Payer`;
  order.payer ??= order.partner ? { sp_openid: payer } : { openid: payer };
  ctx.state.putOrder(order);
  return order;
}

/** The payer's attempt fails: the order stays NOTPAY and can still be paid ("若用户支付失败，订单状态不变"). */
export function failOrder(ctx: SandboxContext, order: OrderRecord): OrderRecord {
  if (refresh(ctx, order).tradeState !== 'NOTPAY') throw adminConflict(order, 'fail');
  return order;
}

export function closeOrder(ctx: SandboxContext, order: OrderRecord): void {
  refresh(ctx, order);
  if (order.tradeState === 'SUCCESS' || order.tradeState === 'REFUND')
    throw new SandboxApiError(400, 'ORDERPAID', '订单已支付，不能关闭');
  if (order.tradeState === 'CLOSED') return;
  order.tradeState = 'CLOSED';
  order.closeTime = ctx.now();
  ctx.state.putOrder(order);
}

export function transactionJson(order: OrderRecord): Body {
  const paid = order.transactionId !== undefined;
  const ids = order.partner
    ? {
        sp_appid: order.appid,
        sp_mchid: order.mchid,
        ...(order.subAppid ? { sub_appid: order.subAppid } : {}),
        sub_mchid: order.subMchid,
      }
    : { appid: order.appid, mchid: order.mchid };
  return {
    ...ids,
    out_trade_no: order.outTradeNo,
    ...(paid ? { transaction_id: order.transactionId } : {}),
    ...(paid ? { trade_type: TRADE_TYPES[order.kind] } : {}),
    trade_state: order.tradeState,
    trade_state_desc: STATE_DESC[order.tradeState],
    ...(paid ? { bank_type: 'OTHERS' } : {}),
    attach: order.attach,
    ...(order.successTime !== undefined ? { success_time: chinaRfc3339(order.successTime) } : {}),
    ...(order.payer ? { payer: order.payer } : {}),
    amount: {
      total: order.total,
      ...(paid ? { payer_total: order.total } : {}),
      currency: order.currency,
      payer_currency: order.currency,
    },
  };
}
