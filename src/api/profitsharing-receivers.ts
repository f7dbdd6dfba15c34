// docs/protocol.md §15: profit-sharing receivers (add before any split to them, delete) and returns (分账回退: money
// a merchant receiver got goes back to the sharing merchant, e.g. before a refund).
import type { WxpayClient } from '../http/client.js';
import { encryptSensitive, type EncryptionKey } from '../protocol/sensitive.js';
import { fillPath } from '../protocol/endpoints.js';
import { PROFITSHARING_PATHS, needKey, sealedHeaders, type ReceiverType } from './profitsharing.js';

export const RELATION_TYPES = [
  'SERVICE_PROVIDER',
  'STORE',
  'STAFF',
  'STORE_OWNER',
  'PARTNER',
  'HEADQUARTER',
  'BRAND',
  'DISTRIBUTOR',
  'USER',
  'SUPPLIER',
  'CUSTOM',
] as const;
export type RelationType = (typeof RELATION_TYPES)[number];

export interface ReceiverInput {
  appid: string;
  type: ReceiverType;
  account: string;
  relationType?: RelationType;
  customRelation?: string | undefined;
  /** Plain text; sent encrypted. A merchant receiver needs its full registered name. */
  name?: string | undefined;
  subMchid?: string | undefined;
  subAppid?: string | undefined;
}

export interface Receiver {
  type: string;
  account: string;
  relation_type?: string;
  custom_relation?: string;
  [k: string]: unknown;
}

const ids = (input: ReceiverInput) => ({
  ...(input.subMchid ? { sub_mchid: input.subMchid } : {}),
  appid: input.appid,
  ...(input.subAppid ? { sub_appid: input.subAppid } : {}),
  type: input.type,
  account: input.account,
});

export function addReceiverRequest(input: ReceiverInput, key?: EncryptionKey) {
  return {
    method: 'POST',
    path: PROFITSHARING_PATHS.receiversAdd,
    body: {
      ...ids(input),
      ...(input.name !== undefined ? { name: encryptSensitive(needKey(key, 'name'), input.name, 'name') } : {}),
      relation_type: input.relationType,
      ...(input.customRelation ? { custom_relation: input.customRelation } : {}),
    },
    // Adding the same receiver again changes nothing: safe to retry.
    idempotent: true,
    ...sealedHeaders(input.name !== undefined ? key : undefined),
  } as const;
}

export async function addReceiver(client: WxpayClient, input: ReceiverInput, key?: EncryptionKey) {
  return (await client.request(addReceiverRequest(input, key))).data as Receiver;
}

export function deleteReceiverRequest(input: ReceiverInput) {
  return { method: 'POST', path: PROFITSHARING_PATHS.receiversDelete, body: ids(input), idempotent: true } as const;
}

export async function deleteReceiver(client: WxpayClient, input: ReceiverInput): Promise<Receiver> {
  return (await client.request(deleteReceiverRequest(input))).data as Receiver;
}

export type SplitRef = { outOrderNo: string } | { orderId: string };

export interface ReturnInput {
  split: SplitRef;
  outReturnNo: string;
  returnMchid: string;
  /** Integer fen. */
  amount: number;
  description: string;
  subMchid?: string | undefined;
}

export interface SplitReturn {
  order_id: string;
  out_order_no: string;
  out_return_no: string;
  return_id: string;
  return_mchid: string;
  amount: number;
  description: string;
  result: 'PROCESSING' | 'SUCCESS' | 'FAILED';
  fail_reason?: string;
  create_time?: string;
  finish_time?: string;
  [k: string]: unknown;
}

export function returnRequest(input: ReturnInput) {
  return {
    method: 'POST',
    path: PROFITSHARING_PATHS.returns,
    body: {
      ...(input.subMchid ? { sub_mchid: input.subMchid } : {}),
      ...('orderId' in input.split ? { order_id: input.split.orderId } : { out_order_no: input.split.outOrderNo }),
      out_return_no: input.outReturnNo,
      return_mchid: input.returnMchid,
      amount: input.amount,
      description: input.description,
    },
    // out_return_no is the idempotency key.
    idempotent: true,
  } as const;
}

export async function createReturn(client: WxpayClient, input: ReturnInput): Promise<SplitReturn> {
  return (await client.request(returnRequest(input))).data as SplitReturn;
}

export async function queryReturn(
  client: WxpayClient,
  outReturnNo: string,
  outOrderNo: string,
  subMchid?: string,
): Promise<SplitReturn> {
  const res = await client.request({
    method: 'GET',
    path: fillPath(PROFITSHARING_PATHS.return, { out_return_no: outReturnNo }),
    query: { ...(subMchid ? { sub_mchid: subMchid } : {}), out_order_no: outOrderNo },
  });
  return res.data as SplitReturn;
}
