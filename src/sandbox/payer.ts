// The simulated payer behind /sandbox/pay/<token> (issue 21): what the payer sees, and the three things a payer
// can do. Pay is the same step as POST /sandbox/orders/{no}/pay (SUCCESS and the TRANSACTION.SUCCESS notification;
// a combine order is paid whole). Fail and Cancel change nothing, as in production: a failed attempt leaves the order
// NOTPAY ("若用户支付失败，订单状态不变"), and a payer who backs out of the WeChat cashier sends nothing to the merchant,
// whose order stays NOTPAY until it is paid, closed by the merchant, or expires (docs/protocol.md §11).
import { SandboxApiError } from './api-error.js';
import { payCombine, subOrdersOf } from './combine.js';
import type { SandboxContext } from './context.js';
import { refresh } from './order-times.js';
import { failOrder, payOrder } from './orders.js';
import type { OrderRecord } from './state.js';

/** Why a simulated payment fails: the payer's choice on the page (WeChat shows the payer such a reason). */
export const FAIL_REASONS = {
  BALANCE: 'Insufficient balance',
  BANK_DECLINED: 'The bank declined the card',
  WRONG_PASSWORD: 'Wrong payment password',
  LIMIT: 'Over the payment limit',
} as const;
export type FailReason = keyof typeof FAIL_REASONS;

export const isFailReason = (v: unknown): v is FailReason => typeof v === 'string' && Object.hasOwn(FAIL_REASONS, v);

/** The order a payer page shows: one order, or every sub-order of a combine order (paid together). */
export interface PayerView {
  token: string;
  /** The first order; for a combine order its first sub-order. */
  order: OrderRecord;
  /** The orders paid by this page (one, or a combine order's sub-orders). */
  orders: OrderRecord[];
  total: number;
  state: OrderRecord['tradeState'];
}

const unknownPayToken = () =>
  new SandboxApiError(
    404,
    'NOT_FOUND',
    'No order has this payer page: check the code_url / h5_url (the token is the part after pr= or /sandbox/pay/)',
  );

export function payerView(ctx: SandboxContext, token: string): PayerView {
  const first = ctx.state.orderByPayToken(token);
  if (!first) throw unknownPayToken();
  const orders = first.combine
    ? subOrdersOf(ctx, first.combine.mchid, first.combine.outTradeNo)
    : [refresh(ctx, first)];
  // A combine order's sub-orders are paid and closed together; one refunded later must not reopen the page.
  const state = orders.find((o) => o.tradeState !== 'NOTPAY')?.tradeState ?? 'NOTPAY';
  return { token, order: orders[0]!, orders, total: orders.reduce((n, o) => n + o.total, 0), state };
}

/** Pay: SUCCESS and the notification (409 INVALID_STATE when the order is no longer NOTPAY). */
export function payerPay(ctx: SandboxContext, token: string): PayerView {
  const view = payerView(ctx, token);
  if (view.order.combine) payCombine(ctx, view.orders);
  else payOrder(ctx, view.order);
  return payerView(ctx, token);
}

/** A failed attempt: the order stays NOTPAY and may be paid again (409 when it is no longer NOTPAY). */
export function payerFail(ctx: SandboxContext, token: string): PayerView {
  const view = payerView(ctx, token);
  for (const o of view.orders) failOrder(ctx, o);
  return view;
}

/** The payer backs out: nothing changes and nothing is sent (409 when the order is no longer NOTPAY). */
export function payerCancel(ctx: SandboxContext, token: string): PayerView {
  return payerFail(ctx, token);
}
