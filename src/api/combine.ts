// docs/protocol.md §17: combine payments (合单支付). One prepay for several sub-orders the payer pays at once, one
// query and one close for all of them. The path templates are shared with the sandbox's router.
import type { ClientResponse, WxpayClient } from '../http/client.js';
import { fillPath } from '../protocol/endpoints.js';
import { sceneInfo, type PrepayKind, type PrepayResult } from './transactions.js';

export const COMBINE_PATHS = {
  prepay: '/v3/combine-transactions/{kind}',
  byOutTradeNo: '/v3/combine-transactions/out-trade-no/{combine_out_trade_no}',
  close: '/v3/combine-transactions/out-trade-no/{combine_out_trade_no}/close',
} as const;

/** Sub-orders per combine order: 2 to 50 (the prepay page: "最多支持子单条数：50"; one is an ordinary order). */
export const SUB_ORDERS = { min: 2, max: 50 } as const;

export interface SubOrderInput {
  outTradeNo: string;
  mchid: string;
  /** Integer fen. */
  total: number;
  description: string;
  attach?: string;
}

export interface CombinePrepayInput {
  appid: string;
  combineOutTradeNo: string;
  notifyUrl: string;
  subOrders: SubOrderInput[];
  openid?: string | undefined;
  payerClientIp?: string | undefined;
  h5Type?: 'Wap' | 'iOS' | 'Android' | undefined;
  timeExpire?: string;
}

export interface CombineSubOrder {
  mchid: string;
  out_trade_no: string;
  trade_state?: string;
  transaction_id?: string;
  trade_type?: string;
  success_time?: string;
  amount?: { total_amount?: number; payer_amount?: number; currency?: string };
  [k: string]: unknown;
}

export interface CombineOrder {
  combine_appid: string;
  combine_mchid: string;
  combine_out_trade_no: string;
  sub_orders: CombineSubOrder[];
  combine_payer_info?: { openid?: string };
  [k: string]: unknown;
}

export function combinePrepayBody(
  client: Pick<WxpayClient, 'merchant'>,
  kind: PrepayKind,
  input: CombinePrepayInput,
): Record<string, unknown> {
  const scene = sceneInfo(kind, input);
  return {
    combine_appid: input.appid,
    combine_mchid: client.merchant.mchid,
    combine_out_trade_no: input.combineOutTradeNo,
    ...scene,
    sub_orders: input.subOrders.map((s) => ({
      mchid: s.mchid,
      attach: s.attach ?? s.description,
      amount: { total_amount: s.total, currency: 'CNY' },
      out_trade_no: s.outTradeNo,
      description: s.description,
    })),
    ...(kind === 'jsapi' && input.openid ? { combine_payer_info: { openid: input.openid } } : {}),
    ...(input.timeExpire ? { time_expire: input.timeExpire } : {}),
    notify_url: input.notifyUrl,
  };
}

/** POST …/combine-transactions/{kind}. Retried safely: combine_out_trade_no is the idempotency key. */
export async function combinePrepay(
  client: WxpayClient,
  kind: PrepayKind,
  input: CombinePrepayInput,
): Promise<PrepayResult & { response: ClientResponse }> {
  const response = await client.request({
    method: 'POST',
    path: fillPath(COMBINE_PATHS.prepay, { kind }),
    body: combinePrepayBody(client, kind, input),
    idempotent: true,
  });
  return { ...(response.data as PrepayResult), response };
}

export async function queryCombine(client: WxpayClient, combineOutTradeNo: string): Promise<CombineOrder> {
  const path = fillPath(COMBINE_PATHS.byOutTradeNo, { combine_out_trade_no: combineOutTradeNo });
  const res = await client.request({ method: 'GET', path });
  return res.data as CombineOrder;
}

/** The close body names every sub-order to close; closing is idempotent on WeChat's side. */
export function closeCombineRequest(combineOutTradeNo: string, appid: string, subOrders: CombineSubOrder[]) {
  return {
    method: 'POST',
    path: fillPath(COMBINE_PATHS.close, { combine_out_trade_no: combineOutTradeNo }),
    body: {
      combine_appid: appid,
      sub_orders: subOrders.map((s) => ({ mchid: s.mchid, out_trade_no: s.out_trade_no })),
    },
    idempotent: true,
  } as const;
}

/** Closes every sub-order: reads them with a query first, so the caller names only the combine order. */
export async function closeCombine(client: WxpayClient, combineOutTradeNo: string): Promise<CombineOrder> {
  const order = await queryCombine(client, combineOutTradeNo);
  await client.request(closeCombineRequest(combineOutTradeNo, order.combine_appid, order.sub_orders));
  return order;
}
