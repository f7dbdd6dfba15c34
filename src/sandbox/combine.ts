// Combine orders (合单, docs/protocol.md §17): each sub-order is an ordinary order record marked with its combine
// order, so bills list it and its out_trade_no is taken under its mchid; the sub-orders are paid together (one
// TRANSACTION.SUCCESS in the combine shape) and closed together.
import { randomInt } from 'node:crypto';
import type { AuthorizationFields } from '../protocol/canonical.js';
import { chinaRfc3339 } from '../protocol/china-time.js';
import { SandboxApiError, paramError } from './api-error.js';
import type { SandboxContext } from './context.js';
import { effectiveTimeExpire, refresh } from './order-times.js';
import { TRADE_TYPES, markPaid, sortedJson } from './orders.js';
import { payLink } from './pay-links.js';
import type { PrepayKind } from './schemas.js';
import { newIds, orderKey, type OrderRecord } from './state.js';

type Body = Record<string, unknown>;
interface SubOrderBody {
  mchid: string;
  attach: string;
  amount: { total_amount: number; currency: string };
  out_trade_no: string;
  description: string;
}

/** The sub-orders of a combine order, in the order the prepay named them (empty when there is none). */
export function subOrdersOf(ctx: SandboxContext, combineMchid: string, combineOutTradeNo: string): OrderRecord[] {
  return [...ctx.state.orders.values()]
    .filter((o) => o.combine?.mchid === combineMchid && o.combine.outTradeNo === combineOutTradeNo)
    .map((o) => refresh(ctx, o));
}

function checkIds(ctx: SandboxContext, body: Body, auth: AuthorizationFields, subs: SubOrderBody[]): void {
  if (body.combine_mchid !== auth.mchid)
    throw paramError('combine_mchid与Authorization中的商户号不一致', 'body', body.combine_mchid);
  if (body.combine_appid !== ctx.keys.appid)
    throw new SandboxApiError(400, 'APPID_MCHID_NOT_MATCH', 'combine_appid和mch_id不匹配', {
      field: '/combine_appid',
      value: body.combine_appid,
      location: 'body',
    });
  if (subs.length < 2) throw paramError('子单数量不能少于2笔', 'body', subs.length);
  if (new Set(subs.map((s) => `${s.mchid}/${s.out_trade_no}`)).size !== subs.length)
    throw paramError('子单商户订单号重复', 'body');
  if (subs.some((s) => !/^\d{8,12}$/.test(s.mchid))) throw new SandboxApiError(400, 'MCH_NOT_EXISTS', '商户号不存在');
}

/** A repeat with the same body answers the same prepay_id; anything else that reuses a number is refused. */
function repeatOf(ctx: SandboxContext, existing: OrderRecord[], request: string): OrderRecord[] | undefined {
  if (!existing.length) return undefined;
  if (existing[0]!.request !== request) throw new SandboxApiError(403, 'OUT_TRADE_NO_USED', '商户订单号重复');
  if (existing.some((o) => o.tradeState === 'CLOSED')) throw new SandboxApiError(400, 'ORDER_CLOSED', '订单已关闭');
  if (existing.some((o) => o.tradeState !== 'NOTPAY')) throw new SandboxApiError(400, 'ORDERPAID', '该订单已支付');
  return existing;
}

export function combinePrepay(
  ctx: SandboxContext,
  kind: PrepayKind,
  body: Body,
  auth: AuthorizationFields,
  origin?: string,
): Body {
  const subs = body.sub_orders as SubOrderBody[];
  checkIds(ctx, body, auth, subs);
  const combineNo = body.combine_out_trade_no as string;
  const request = `combine:${kind}:${sortedJson(body)}`;
  const repeat = repeatOf(ctx, subOrdersOf(ctx, auth.mchid, combineNo), request);
  if (repeat) return answer(kind, repeat[0]!);
  if (subs.some((s) => ctx.state.orders.has(orderKey(s.mchid, undefined, s.out_trade_no))))
    throw new SandboxApiError(403, 'OUT_TRADE_NO_USED', '商户订单号重复');
  const now = ctx.now();
  const prepayId = newIds.prepayId(now);
  const link = payLink(kind, prepayId, origin);
  const openid = (body.combine_payer_info as { openid?: string } | undefined)?.openid;
  const combine = { outTradeNo: combineNo, appid: body.combine_appid as string, mchid: auth.mchid };
  const records = subs.map((s): OrderRecord => ({
    key: orderKey(s.mchid, undefined, s.out_trade_no),
    partner: false,
    kind,
    mchid: s.mchid,
    appid: combine.appid,
    outTradeNo: s.out_trade_no,
    prepayId,
    tradeState: 'NOTPAY',
    description: s.description,
    attach: s.attach,
    notifyUrl: body.notify_url as string,
    total: s.amount.total_amount,
    currency: s.amount.currency,
    request,
    createTime: now,
    combine,
    ...(openid ? { payer: { openid } } : {}),
    ...link,
    ...(body.time_expire ? { timeExpire: effectiveTimeExpire(Date.parse(body.time_expire as string), now) } : {}),
  }));
  for (const r of records) ctx.state.putOrder(r);
  return answer(kind, records[0]!);
}

function answer(kind: PrepayKind, first: OrderRecord): Body {
  if (kind === 'h5') return { h5_url: first.payUrl };
  if (kind === 'native') return { code_url: first.payUrl };
  return { prepay_id: first.prepayId };
}

/** The combine query answer, which is also the combine TRANSACTION.SUCCESS resource. */
export function combineJson(subs: OrderRecord[]): Body {
  const c = subs[0]!.combine!;
  const payer = subs.find((s) => s.payer?.openid)?.payer?.openid;
  return {
    combine_appid: c.appid,
    combine_mchid: c.mchid,
    combine_out_trade_no: c.outTradeNo,
    sub_orders: subs.map((o) => ({
      mchid: o.mchid,
      trade_type: TRADE_TYPES[o.kind],
      trade_state: o.tradeState,
      ...(o.transactionId ? { bank_type: 'OTHERS', transaction_id: o.transactionId } : {}),
      attach: o.attach,
      ...(o.successTime !== undefined ? { success_time: chinaRfc3339(o.successTime) } : {}),
      out_trade_no: o.outTradeNo,
      amount: {
        total_amount: o.total,
        currency: o.currency,
        ...(o.transactionId ? { payer_amount: o.total, payer_currency: o.currency } : {}),
      },
    })),
    ...(payer ? { combine_payer_info: { openid: payer } } : {}),
  };
}

/** The payer pays the whole combine order at once: every sub-order SUCCESS, one notification. */
export function payCombine(ctx: SandboxContext, subs: OrderRecord[]): Body {
  const openid = subs[0]!.payer?.openid ?? `oSandbox${randomInt(1e9, 1e10 - 1)}Payer`;
  for (const o of subs) markPaid(ctx, o, openid);
  const resource = combineJson(subs);
  ctx.notifier.send(subs[0]!.notifyUrl, 'TRANSACTION.SUCCESS', 'transaction', resource, {
    outTradeNo: subs[0]!.combine!.outTradeNo,
  });
  return resource;
}

/**
 * For the admin API (which has no mchid): the combine order named by its combine_out_trade_no, or the one a
 * sub-order's out_trade_no belongs to, since sub-orders are only ever paid together.
 */
export function combineForAdmin(ctx: SandboxContext, outTradeNo: string): OrderRecord[] | undefined {
  for (const o of ctx.state.orders.values()) {
    if (o.combine && (o.combine.outTradeNo === outTradeNo || o.outTradeNo === outTradeNo))
      return subOrdersOf(ctx, o.combine.mchid, o.combine.outTradeNo);
  }
  return undefined;
}
