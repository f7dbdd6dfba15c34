// The time rules of an order (docs/protocol.md §11 "Time rules"), as the prepay pages document them:
// time_expire is the last moment the payer can pay, not a close time; earlier than order time + 1 minute it is
// moved to + 1 minute, later than + 90 days to + 90 days. After it the order stays NOTPAY (the payer is told
// "订单已超过商户设置的最晚支付成功时间，请重新发起支付") until the merchant closes it. Without time_expire an order
// can be paid for 7 days and is closed after that.
import type { SandboxContext } from './context.js';
import type { OrderRecord } from './state.js';

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;
export const TIME_EXPIRE_MIN_MS = MINUTE_MS;
export const TIME_EXPIRE_MAX_MS = 90 * DAY_MS;
export const DEFAULT_PAY_WINDOW_MS = 7 * DAY_MS;

/** The time_expire the order keeps: the requested one moved into [create + 1 min, create + 90 days]. */
export const effectiveTimeExpire = (requested: number, createTime: number): number =>
  Math.min(Math.max(requested, createTime + TIME_EXPIRE_MIN_MS), createTime + TIME_EXPIRE_MAX_MS);

/** Until when the payer can pay: time_expire, or 7 days after the order without one. */
export const payDeadline = (order: OrderRecord): number => order.timeExpire ?? order.createTime + DEFAULT_PAY_WINDOW_MS;

/** What the payer sees when paying too late (the JSAPI development guide). */
export const TOO_LATE_TO_PAY = '订单已超过商户设置的最晚支付成功时间，请重新发起支付';

/**
 * Closes an unpaid order without time_expire once its 7 days are over ("超出7天，订单将被关闭"), lazily like the
 * real server. An order with time_expire stays NOTPAY after it: closing it is the merchant's call.
 */
export function refresh(ctx: SandboxContext, order: OrderRecord): OrderRecord {
  if (order.tradeState !== 'NOTPAY' || order.timeExpire !== undefined) return order;
  const closesAt = order.createTime + DEFAULT_PAY_WINDOW_MS;
  if (closesAt <= ctx.now()) {
    order.tradeState = 'CLOSED';
    order.closeTime = closesAt;
    ctx.state.putOrder(order);
  }
  return order;
}
