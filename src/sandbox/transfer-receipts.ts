// Electronic receipts (电子回单) of merchant transfers (docs/protocol.md §12): apply for a SUCCESS bill that named its
// payee, then query until FINISHED for {hash_type: SHA256, hash_value, download_url}. The download answers the file
// itself, unsigned, for 10 minutes; its SHA256 (upper-case hex) is hash_value. The fault `receipt-hash` serves a file
// that no longer matches.
import { createHash, randomBytes } from 'node:crypto';
import { TRANSFER_PATHS } from '../api/transfers.js';
import { invalidRequest, paramError } from './api-error.js';
import type { SandboxContext } from './context.js';
import type { FaultKind } from './faults.js';
import { chinaRfc3339 } from '../protocol/china-time.js';
import type { ReceiptRecord, TransferRecord } from './transfer-types.js';
import { transferNotFound } from './transfer-rules.js';

const RECEIPT_FAULT: ReadonlySet<FaultKind> = new Set(['receipt-hash']);

/** The download_url lives 10 minutes (WeChat Pay's receipt query page). */
export const RECEIPT_URL_TTL_MS = 10 * 60_000;

const tokens = new WeakMap<SandboxContext, Map<string, { outBillNo: string; expires: number }>>();
const tokensOf = (ctx: SandboxContext) => {
  let m = tokens.get(ctx);
  if (!m) tokens.set(ctx, (m = new Map()));
  return m;
};

/** The receipt "PDF": deterministic per bill, so its hash is stable across queries and restarts. */
export function receiptFile(t: TransferRecord): Buffer {
  const lines = [
    '%PDF-1.4',
    '% wxpay sandbox electronic receipt (not a real document)',
    `out_bill_no ${t.outBillNo}`,
    `transfer_bill_no ${t.transferBillNo}`,
    `transfer_amount ${t.amount}`,
    `payee ${t.userName ?? ''}`,
    `success_time ${chinaRfc3339(t.updateTime)}`,
    '%%EOF',
  ];
  return Buffer.from(`${lines.join('\n')}\n`, 'utf8');
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex').toUpperCase();

export function applyReceipt(ctx: SandboxContext, t: TransferRecord): ReceiptRecord {
  if (t.receipt) return t.receipt;
  if (t.state !== 'SUCCESS') throw invalidRequest(`转账单状态为${t.state}，仅转账成功的单据可申请电子回单`);
  if (t.userName === undefined) throw invalidRequest('转账时未传入收款用户姓名，不支持申请电子回单');
  const now = ctx.now();
  const receipt: ReceiptRecord = { state: 'GENERATING', createTime: now, updateTime: now };
  t.receipt = receipt;
  ctx.state.putTransfer(t);
  ctx.later(0, () => {
    receipt.state = 'FINISHED';
    receipt.updateTime = ctx.now();
    receipt.hashValue = sha256(receiptFile(t));
    ctx.state.putTransfer(t);
  });
  return receipt;
}

export const applyAnswer = (r: ReceiptRecord) => ({ state: r.state, create_time: chinaRfc3339(r.createTime) });

export function receiptAnswer(ctx: SandboxContext, t: TransferRecord, host: string) {
  const r = t.receipt;
  if (!r) throw transferNotFound();
  const base = { state: r.state, create_time: chinaRfc3339(r.createTime), update_time: chinaRfc3339(r.updateTime) };
  if (r.state !== 'FINISHED') return base;
  const token = randomBytes(16).toString('hex');
  const now = ctx.now();
  const store = tokensOf(ctx);
  for (const [k, v] of store) if (v.expires <= now) store.delete(k);
  store.set(token, { outBillNo: t.outBillNo, expires: now + RECEIPT_URL_TTL_MS });
  return {
    ...base,
    hash_type: 'SHA256',
    hash_value: r.hashValue,
    download_url: `http://${host}${TRANSFER_PATHS.receiptDownload}?source=elecsign&token=${token}`,
  };
}

/** The file for a live token; a stale or unknown token answers as the bill download does. */
export function receiptDownload(ctx: SandboxContext, token: string, mchid: string): Buffer {
  const issued = tokensOf(ctx).get(token);
  const t = issued && issued.expires > ctx.now() ? ctx.state.transfers.get(`${mchid}/${issued.outBillNo}`) : undefined;
  if (!t) throw paramError('下载链接已失效', 'query');
  const file = receiptFile(t);
  if (ctx.faults.fire('responses', TRANSFER_PATHS.receiptDownload, RECEIPT_FAULT).length)
    return Buffer.concat([file, Buffer.from('tampered\n')]);
  return file;
}
