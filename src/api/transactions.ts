// docs/protocol.md §5: orders. Prepay (jsapi, app, h5, native; direct and partner), query by transaction_id or
// out_trade_no, and close. Typed functions over the client; commands, the demo and batch jobs call these.
import type { ClientResponse, WxpayClient } from '../http/client.js';
import { ENDPOINTS, fillPath } from '../protocol/endpoints.js';

export type PrepayKind = 'jsapi' | 'app' | 'h5' | 'native';
export const PREPAY_KINDS: readonly PrepayKind[] = ['jsapi', 'app', 'h5', 'native'];

/** Partner (service-provider) mode: the merchant in the client is sp_mchid. */
export interface PartnerIds {
  spAppid: string;
  subMchid: string;
  subAppid?: string | undefined;
}

export interface PrepayInput {
  appid: string;
  description: string;
  outTradeNo: string;
  notifyUrl: string;
  /** Integer fen. */
  total: number;
  currency?: string;
  openid?: string | undefined;
  attach?: string | undefined;
  timeExpire?: string;
  payerClientIp?: string | undefined;
  h5Type?: 'Wap' | 'iOS' | 'Android' | undefined;
  partner?: PartnerIds;
  /** settle_info.profit_sharing: the money stays frozen for splitting (docs/protocol.md §15). */
  profitSharing?: boolean;
  /** Extra body fields passed through as-is (goods_tag, detail, settle_info, …). */
  extra?: Record<string, unknown>;
}

export interface PrepayResult {
  prepay_id?: string;
  code_url?: string;
  h5_url?: string;
}

/** `scene_info`, sent when the payer's IP is known and always for H5 (its `h5_info.type`); shared with combine prepay. */
export function sceneInfo(
  kind: PrepayKind,
  input: Pick<PrepayInput, 'payerClientIp' | 'h5Type'>,
): { scene_info?: Record<string, unknown> } {
  if (!input.payerClientIp && kind !== 'h5') return {};
  return {
    scene_info: {
      payer_client_ip: input.payerClientIp,
      ...(kind === 'h5' ? { h5_info: { type: input.h5Type ?? 'Wap' } } : {}),
    },
  };
}

export function prepayBody(client: WxpayClient, kind: PrepayKind, input: PrepayInput): Record<string, unknown> {
  const ids = input.partner
    ? {
        sp_appid: input.partner.spAppid,
        sp_mchid: client.merchant.mchid,
        ...(input.partner.subAppid ? { sub_appid: input.partner.subAppid } : {}),
        sub_mchid: input.partner.subMchid,
      }
    : { appid: input.appid, mchid: client.merchant.mchid };
  const payerKey = input.partner ? (input.partner.subAppid ? 'sub_openid' : 'sp_openid') : 'openid';
  const scene = sceneInfo(kind, input);
  return {
    ...ids,
    description: input.description,
    out_trade_no: input.outTradeNo,
    ...(input.timeExpire ? { time_expire: input.timeExpire } : {}),
    ...(input.attach ? { attach: input.attach } : {}),
    notify_url: input.notifyUrl,
    amount: { total: input.total, currency: input.currency ?? 'CNY' },
    ...(kind === 'jsapi' && input.openid ? { payer: { [payerKey]: input.openid } } : {}),
    ...scene,
    ...(input.profitSharing ? { settle_info: { profit_sharing: true } } : {}),
    ...input.extra,
  };
}

export function prepayPath(kind: PrepayKind, partner: boolean): string {
  return fillPath(ENDPOINTS.prepay(partner), { kind });
}

/** POST …/transactions/{kind}. Retried safely: out_trade_no in the body is the idempotency key. */
export async function prepay(
  client: WxpayClient,
  kind: PrepayKind,
  input: PrepayInput,
): Promise<PrepayResult & { response: ClientResponse }> {
  const response = await client.request({
    method: 'POST',
    path: prepayPath(kind, Boolean(input.partner)),
    body: prepayBody(client, kind, input),
    idempotent: true,
  });
  return { ...(response.data as PrepayResult), response };
}

export type OrderRef = { outTradeNo: string } | { transactionId: string };

export interface Transaction {
  appid?: string;
  mchid?: string;
  out_trade_no: string;
  transaction_id?: string;
  trade_type?: string;
  trade_state: string;
  trade_state_desc?: string;
  success_time?: string;
  attach?: string;
  payer?: { openid?: string; sp_openid?: string; sub_openid?: string };
  amount?: { total?: number; payer_total?: number; currency?: string; payer_currency?: string };
  [k: string]: unknown;
}

function orderPath(ref: OrderRef, partner: boolean): string {
  return 'outTradeNo' in ref
    ? fillPath(ENDPOINTS.orderByOutTradeNo(partner), { out_trade_no: ref.outTradeNo })
    : fillPath(ENDPOINTS.orderById(partner), { transaction_id: ref.transactionId });
}

/** GET …/out-trade-no/{out_trade_no} or …/id/{transaction_id}, with the merchant ids as the query. */
export function queryRequest(client: Pick<WxpayClient, 'merchant'>, ref: OrderRef, partner?: { subMchid: string }) {
  const query: Record<string, string> = partner
    ? { sp_mchid: client.merchant.mchid, sub_mchid: partner.subMchid }
    : { mchid: client.merchant.mchid };
  return { method: 'GET', path: orderPath(ref, Boolean(partner)), query } as const;
}

export async function queryOrder(
  client: WxpayClient,
  ref: OrderRef,
  partner?: { subMchid: string },
): Promise<Transaction> {
  const res = await client.request(queryRequest(client, ref, partner));
  return res.data as Transaction;
}

export function closeRequest(
  client: Pick<WxpayClient, 'merchant'>,
  outTradeNo: string,
  partner?: { subMchid: string },
) {
  return {
    method: 'POST',
    path: fillPath(ENDPOINTS.closeOrder(Boolean(partner)), { out_trade_no: outTradeNo }),
    body: partner ? { sp_mchid: client.merchant.mchid, sub_mchid: partner.subMchid } : { mchid: client.merchant.mchid },
    // Closing is naturally idempotent: closing a closed order is a no-op on WeChat's side.
    idempotent: true,
  } as const;
}

/** 204 with an empty, still signed, body. */
export async function closeOrder(
  client: WxpayClient,
  outTradeNo: string,
  partner?: { subMchid: string },
): Promise<void> {
  await client.request(closeRequest(client, outTradeNo, partner));
}
