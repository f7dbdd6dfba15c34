// docs/protocol.md §12: merchant transfers (商家转账, the API for every merchant since 2025-01-15). Create (retried
// safely: out_bill_no is the idempotency key and the body is the same on every attempt, user_name aside, whose
// ciphertext is made once per call), query by out_bill_no or transfer_bill_no, and cancel before the payee confirms.
// The path templates are shared with the sandbox's router.
import type { WxpayClient } from '../http/client.js';
import { fillPath } from '../protocol/endpoints.js';
import { WxpayError } from '../protocol/errors.js';
import { chooseEncryptionKey, sensitiveHeaders } from '../protocol/sensitive.js';
import { encryptForClient } from './sensitive.js';

export const TRANSFER_PATHS = {
  create: '/v3/fund-app/mch-transfer/transfer-bills',
  byOutBillNo: '/v3/fund-app/mch-transfer/transfer-bills/out-bill-no/{out_bill_no}',
  byTransferBillNo: '/v3/fund-app/mch-transfer/transfer-bills/transfer-bill-no/{transfer_bill_no}',
  cancel: '/v3/fund-app/mch-transfer/transfer-bills/out-bill-no/{out_bill_no}/cancel',
  receiptApply: '/v3/fund-app/mch-transfer/elecsign/out-bill-no',
  receiptQuery: '/v3/fund-app/mch-transfer/elecsign/out-bill-no/{out_bill_no}',
  /** The receipt file: answered unsigned, checked by its SHA256 instead. */
  receiptDownload: '/v3/transferbilldownload/elecvoucherfile',
} as const;

export const TRANSFER_STATES = [
  'ACCEPTED',
  'PROCESSING',
  'WAIT_USER_CONFIRM',
  'TRANSFERING',
  'SUCCESS',
  'FAIL',
  'CANCELING',
  'CANCELLED',
] as const;

export interface TransferInput {
  appid: string;
  outBillNo: string;
  openid: string;
  /** Integer fen. */
  amount: number;
  sceneId: string;
  remark: string;
  /** Plaintext; encrypted here to WeChat Pay's key. */
  userName?: string | undefined;
  notifyUrl?: string | undefined;
  perception?: string | undefined;
  /** transfer_scene_report_infos, in order. */
  reports?: ReadonlyArray<{ type: string; content: string }>;
}

export interface TransferBill {
  out_bill_no: string;
  transfer_bill_no?: string;
  state: string;
  create_time?: string;
  update_time?: string;
  package_info?: string;
  fail_reason?: string;
  transfer_amount?: number;
  [k: string]: unknown;
}

/** The body with user_name already encrypted (or absent). */
export function transferBody(input: TransferInput, encryptedName?: string): Record<string, unknown> {
  return {
    appid: input.appid,
    out_bill_no: input.outBillNo,
    transfer_scene_id: input.sceneId,
    openid: input.openid,
    ...(encryptedName !== undefined ? { user_name: encryptedName } : {}),
    transfer_amount: input.amount,
    transfer_remark: input.remark,
    ...(input.notifyUrl ? { notify_url: input.notifyUrl } : {}),
    ...(input.perception ? { user_recv_perception: input.perception } : {}),
    ...(input.reports?.length
      ? { transfer_scene_report_infos: input.reports.map((r) => ({ info_type: r.type, info_content: r.content })) }
      : {}),
  };
}

/** The signed request for a create: user_name encrypted to the client's WeChat Pay key, with its Wechatpay-Serial. */
export async function transferRequest(client: WxpayClient, input: TransferInput) {
  const enc = await encryptForClient(client, { user_name: input.userName });
  return {
    method: 'POST',
    path: TRANSFER_PATHS.create,
    body: transferBody(input, enc.fields.user_name),
    headers: enc.headers,
    idempotent: true,
  } as const;
}

/**
 * The create request as --dry-run shows it: user_name is a placeholder naming the key it would be encrypted to, since
 * every encryption gives another ciphertext (and a real one is never printed). Uses only a key on disk: a dry run
 * sends nothing, not even GET /v3/certificates.
 */
export function transferPreviewRequest(client: WxpayClient, input: TransferInput) {
  const key = input.userName === undefined ? undefined : chooseEncryptionKey(client.keys());
  if (input.userName !== undefined && !key)
    throw new WxpayError('USAGE', '--dry-run cannot show --user-name encrypted: no WeChat Pay key on disk', {
      hint: 'Configure the WeChat Pay public key, or run `wxpay certs download` first (a dry run sends nothing).',
    });
  return {
    method: 'POST',
    path: TRANSFER_PATHS.create,
    body: transferBody(input, key ? `<RSA-OAEP-SHA1 ciphertext of user_name for ${key.serial}>` : undefined),
    headers: key ? sensitiveHeaders(key) : {},
  } as const;
}

export async function createTransfer(client: WxpayClient, input: TransferInput): Promise<TransferBill> {
  return (await client.request(await transferRequest(client, input))).data as TransferBill;
}

export type TransferRef = { outBillNo: string } | { transferBillNo: string };

export const transferQueryPath = (ref: TransferRef): string =>
  'outBillNo' in ref
    ? fillPath(TRANSFER_PATHS.byOutBillNo, { out_bill_no: ref.outBillNo })
    : fillPath(TRANSFER_PATHS.byTransferBillNo, { transfer_bill_no: ref.transferBillNo });

export async function queryTransfer(client: WxpayClient, ref: TransferRef): Promise<TransferBill> {
  return (await client.request({ method: 'GET', path: transferQueryPath(ref) })).data as TransferBill;
}

export const cancelRequest = (outBillNo: string) =>
  ({ method: 'POST', path: fillPath(TRANSFER_PATHS.cancel, { out_bill_no: outBillNo }), idempotent: true }) as const;

export async function cancelTransfer(client: WxpayClient, outBillNo: string): Promise<TransferBill> {
  return (await client.request(cancelRequest(outBillNo))).data as TransferBill;
}
