// docs/protocol.md §15: profit sharing (分账). Split an order paid with settle_info.profit_sharing, query the split,
// unfreeze what is left, and read the order's unsplit amount. The path templates here are the ones the sandbox's
// router matches, so client and simulator name each endpoint once.
import type { WxpayClient } from '../http/client.js';
import { fillPath } from '../protocol/endpoints.js';
import { encryptSensitive, sensitiveHeaders, type EncryptionKey } from '../protocol/sensitive.js';

export const PROFITSHARING_PATHS = {
  orders: '/v3/profitsharing/orders',
  order: '/v3/profitsharing/orders/{out_order_no}',
  unfreeze: '/v3/profitsharing/orders/unfreeze',
  returns: '/v3/profitsharing/return-orders',
  return: '/v3/profitsharing/return-orders/{out_return_no}',
  receiversAdd: '/v3/profitsharing/receivers/add',
  receiversDelete: '/v3/profitsharing/receivers/delete',
  amounts: '/v3/profitsharing/transactions/{transaction_id}/amounts',
  bills: '/v3/profitsharing/bills',
} as const;

export type ReceiverType = 'MERCHANT_ID' | 'PERSONAL_OPENID' | 'PERSONAL_SUB_OPENID';
export const RECEIVER_TYPES: readonly ReceiverType[] = ['MERCHANT_ID', 'PERSONAL_OPENID', 'PERSONAL_SUB_OPENID'];

export interface SplitReceiver {
  type: ReceiverType;
  account: string;
  /** Integer fen. */
  amount: number;
  description: string;
  /** Plain text; sent encrypted. */
  name?: string;
}

export interface SplitInput {
  transactionId: string;
  outOrderNo: string;
  receivers: SplitReceiver[];
  /** Unfreeze whatever is left after this split (no later split is possible then). */
  unfreezeUnsplit: boolean;
  appid?: string;
  subMchid?: string | undefined;
  subAppid?: string;
}

export interface SplitReceiverResult {
  type: string;
  account: string;
  amount: number;
  description: string;
  result: 'PENDING' | 'SUCCESS' | 'CLOSED';
  fail_reason?: string;
  detail_id?: string;
  create_time?: string;
  finish_time?: string;
}

export interface SplitOrder {
  sub_mchid?: string;
  transaction_id: string;
  out_order_no: string;
  order_id: string;
  state: 'PROCESSING' | 'FINISHED';
  receivers?: SplitReceiverResult[];
  [k: string]: unknown;
}

/** The request headers: Wechatpay-Serial naming the key a field was encrypted for (api/sensitive.ts picks it). */
export const sealedHeaders = (key: EncryptionKey | undefined): { headers?: Record<string, string> } =>
  key ? { headers: sensitiveHeaders(key) } : {};

/** A sensitive field needs WeChat Pay's key (`encryptionKeyFor(client)` in api/sensitive.ts). */
export function needKey(key: EncryptionKey | undefined, field: string): EncryptionKey {
  if (!key) throw new TypeError(`${field} is sensitive: pass WeChat Pay's encryption key`);
  return key;
}

export function splitRequest(input: SplitInput, key?: EncryptionKey) {
  const named = input.receivers.some((r) => r.name !== undefined);
  const receivers = input.receivers.map((r) => ({
    type: r.type,
    account: r.account,
    ...(r.name !== undefined ? { name: encryptSensitive(needKey(key, 'name'), r.name, 'name') } : {}),
    amount: r.amount,
    description: r.description,
  }));
  return {
    method: 'POST',
    path: PROFITSHARING_PATHS.orders,
    body: {
      ...(input.subMchid ? { sub_mchid: input.subMchid } : {}),
      ...(input.appid ? { appid: input.appid } : {}),
      ...(input.subAppid ? { sub_appid: input.subAppid } : {}),
      transaction_id: input.transactionId,
      out_order_no: input.outOrderNo,
      receivers,
      unfreeze_unsplit: input.unfreezeUnsplit,
    },
    // out_order_no is the idempotency key: the same number and body answer the same split.
    idempotent: true,
    ...sealedHeaders(named ? key : undefined),
  } as const;
}

export async function createSplit(client: WxpayClient, input: SplitInput, key?: EncryptionKey) {
  return (await client.request(splitRequest(input, key))).data as SplitOrder;
}

export async function querySplit(
  client: WxpayClient,
  outOrderNo: string,
  transactionId: string,
  subMchid?: string,
): Promise<SplitOrder> {
  const res = await client.request({
    method: 'GET',
    path: fillPath(PROFITSHARING_PATHS.order, { out_order_no: outOrderNo }),
    query: { ...(subMchid ? { sub_mchid: subMchid } : {}), transaction_id: transactionId },
  });
  return res.data as SplitOrder;
}

export interface UnfreezeInput {
  transactionId: string;
  outOrderNo: string;
  description: string;
  subMchid?: string | undefined;
}

export function unfreezeRequest(input: UnfreezeInput) {
  return {
    method: 'POST',
    path: PROFITSHARING_PATHS.unfreeze,
    body: {
      ...(input.subMchid ? { sub_mchid: input.subMchid } : {}),
      transaction_id: input.transactionId,
      out_order_no: input.outOrderNo,
      description: input.description,
    },
    idempotent: true,
  } as const;
}

export async function unfreeze(client: WxpayClient, input: UnfreezeInput): Promise<SplitOrder> {
  return (await client.request(unfreezeRequest(input))).data as SplitOrder;
}

export interface UnsplitAmount {
  transaction_id: string;
  /** Integer fen still frozen for splitting. */
  unsplit_amount: number;
}

export async function unsplitAmount(client: WxpayClient, transactionId: string): Promise<UnsplitAmount> {
  const res = await client.request({
    method: 'GET',
    path: fillPath(PROFITSHARING_PATHS.amounts, { transaction_id: transactionId }),
  });
  return res.data as UnsplitAmount;
}
