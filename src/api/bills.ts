// docs/protocol.md §5 bills: apply (GET /v3/bill/tradebill | /v3/bill/fundflowbill, a signed and verified answer
// {hash_type, hash_value, download_url}), then download: a signed GET whose answer has no signature, streamed
// through gunzip + SHA1 into the target file, which exists only if the hash matched (bills/stream.ts).
import type { Dispatcher } from 'undici';
import type { FundAccountType, TradeBillType } from '../bills/layout.js';
import { receiveBill, type ReceivedBill } from '../bills/stream.js';
import type { BillFormat } from '../bills/writers.js';
import type { WxpayClient } from '../http/client.js';
import { downloadBillStream } from '../http/stream.js';
import { WxpayError } from '../protocol/errors.js';
import { networkError } from '../http/error.js';
import { ENDPOINTS } from '../protocol/endpoints.js';
import { redactUrl } from '../protocol/redact.js';
import { PROFITSHARING_PATHS } from './profitsharing.js';

export interface BillApply {
  hash_type: string;
  hash_value: string;
  download_url: string;
}

export interface TradeBillQuery {
  /** YYYY-MM-DD (China time). */
  billDate: string;
  billType?: TradeBillType;
  gzip?: boolean;
  subMchid?: string;
}

export interface FundFlowBillQuery {
  billDate: string;
  accountType?: FundAccountType;
  gzip?: boolean;
}

function checkApply(data: unknown): BillApply {
  const d = data as Partial<BillApply> | undefined;
  if (!d || typeof d.hash_value !== 'string' || typeof d.download_url !== 'string') {
    throw new WxpayError('WECHATPAY_ERROR', 'The bill apply answer has no hash_value or download_url', {
      hint: 'Run with --verbose to see the answer; report it if it repeats.',
    });
  }
  return { hash_type: d.hash_type ?? 'SHA1', hash_value: d.hash_value, download_url: d.download_url };
}

export async function applyTradeBill(client: WxpayClient, q: TradeBillQuery): Promise<BillApply> {
  const res = await client.request({
    method: 'GET',
    path: ENDPOINTS.tradeBill,
    query: {
      bill_date: q.billDate,
      ...(q.subMchid ? { sub_mchid: q.subMchid } : {}),
      bill_type: q.billType ?? 'ALL',
      ...(q.gzip ? { tar_type: 'GZIP' } : {}),
    },
  });
  return checkApply(res.data);
}

export async function applyFundFlowBill(client: WxpayClient, q: FundFlowBillQuery): Promise<BillApply> {
  const res = await client.request({
    method: 'GET',
    path: ENDPOINTS.fundflowBill,
    query: { bill_date: q.billDate, account_type: q.accountType ?? 'BASIC', ...(q.gzip ? { tar_type: 'GZIP' } : {}) },
  });
  return checkApply(res.data);
}

/** docs/protocol.md §15: the profit-sharing bill (one row per split or return), applied for like the others. */
export async function applyProfitSharingBill(
  client: WxpayClient,
  q: { billDate: string; gzip?: boolean; subMchid?: string },
): Promise<BillApply> {
  const res = await client.request({
    method: 'GET',
    path: PROFITSHARING_PATHS.bills,
    query: {
      ...(q.subMchid ? { sub_mchid: q.subMchid } : {}),
      bill_date: q.billDate,
      ...(q.gzip ? { tar_type: 'GZIP' } : {}),
    },
  });
  return checkApply(res.data);
}

export interface DownloadBillOptions {
  /** Whether tar_type=GZIP was applied for (default: from download_url); the body's first bytes decide. */
  gzip?: boolean;
  format: BillFormat;
  /** Final path; written through a sibling temp file, renamed only after the SHA1 check. */
  target: string;
  onProgress?: (bytesReceived: number) => void;
  dispatcher?: Dispatcher;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export async function downloadBill(
  client: WxpayClient,
  apply: BillApply,
  opts: DownloadBillOptions,
): Promise<ReceivedBill> {
  const res = await downloadBillStream(client, apply.download_url, {
    ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}),
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  // Only a hint: receiveBill looks at the first bytes (gzip starts 1f 8b) to decide.
  const gzip = opts.gzip ?? /[?&]tartype=gzip/i.test(apply.download_url);
  try {
    return await receiveBill({
      body: res.body,
      gzip,
      hashValue: apply.hash_value,
      hashType: apply.hash_type,
      format: opts.format,
      target: opts.target,
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    });
  } catch (e) {
    res.body.destroy();
    // A file-system failure (it names a path) is the caller's to report; anything else broke the transfer.
    if (e instanceof WxpayError || (e as NodeJS.ErrnoException).path !== undefined) throw e;
    throw networkError(e, redactUrl(apply.download_url), 1);
  }
}
