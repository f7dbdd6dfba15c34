// docs/protocol.md §12: a transfer's electronic receipt (电子回单). Apply by out_bill_no, query until FINISHED
// ({hash_type, hash_value, download_url}), then download: a signed GET whose answer has no signature, streamed into
// the target, which exists only when its SHA256 equals hash_value. download_url lives 10 minutes: query again after.
import { receiveHashedFile, type ReceivedFile } from '../bills/receive-file.js';
import type { WxpayClient } from '../http/client.js';
import { downloadBillStream, type DownloadOptions } from '../http/stream.js';
import { WxpayError } from '../protocol/errors.js';
import { fillPath } from '../protocol/endpoints.js';
import { TRANSFER_PATHS } from './transfers.js';

export interface Receipt {
  state: 'GENERATING' | 'FINISHED' | 'FAILED' | string;
  create_time?: string;
  update_time?: string;
  hash_type?: string;
  hash_value?: string;
  download_url?: string;
  fail_reason?: string;
}

export const receiptApplyRequest = (outBillNo: string) =>
  ({ method: 'POST', path: TRANSFER_PATHS.receiptApply, body: { out_bill_no: outBillNo }, idempotent: true }) as const;

export async function applyReceipt(client: WxpayClient, outBillNo: string): Promise<Receipt> {
  return (await client.request(receiptApplyRequest(outBillNo))).data as Receipt;
}

export const receiptQueryPath = (outBillNo: string) =>
  fillPath(TRANSFER_PATHS.receiptQuery, { out_bill_no: outBillNo });

export async function queryReceipt(client: WxpayClient, outBillNo: string): Promise<Receipt> {
  return (await client.request({ method: 'GET', path: receiptQueryPath(outBillNo) })).data as Receipt;
}

/** Downloads a FINISHED receipt into `target`, checked against its SHA256. */
export async function downloadReceipt(
  client: WxpayClient,
  receipt: Receipt,
  target: string,
  opts: Omit<DownloadOptions, 'exemptPath'> = {},
): Promise<ReceivedFile> {
  if (receipt.state !== 'FINISHED' || !receipt.download_url || !receipt.hash_value) {
    throw new WxpayError('WECHATPAY_ERROR', `The receipt is ${receipt.state}, not FINISHED: nothing to download yet`, {
      hint: 'Apply first (wxpay transfer receipt apply), then query until the state is FINISHED.',
    });
  }
  const res = await downloadBillStream(client, receipt.download_url, {
    ...opts,
    exemptPath: TRANSFER_PATHS.receiptDownload,
  });
  try {
    return await receiveHashedFile({
      body: res.body,
      hashType: receipt.hash_type ?? 'SHA256',
      hashValue: receipt.hash_value,
      target,
    });
  } finally {
    res.body.destroy();
  }
}
