// Batch merchant transfers (docs/protocol.md §12) over the typed API: create by out_bill_no, look-up by out_bill_no.
// The journal records the body WITHOUT user_name: its ciphertext differs on every send (OAEP is randomised), and the
// plaintext must never reach a file. Sends go out with the client's retries off: after an unknown outcome the runner
// looks the bill up (GET …/out-bill-no/{no}) and creates it again only when WeChat Pay answers NOT_FOUND.
import {
  queryTransfer,
  transferBody,
  transferRequest,
  TRANSFER_PATHS,
  type TransferBill,
  type TransferInput,
} from '../api/transfers.js';
import type { WxpayClient } from '../http/client.js';
import { classifyError, lookupFailure } from './classify.js';
import type { BatchOps } from './runner.js';
import type { BatchRow, Outcome } from './types.js';

export interface TransferSettings {
  appid: string;
  notifyUrl?: string;
  perception?: string;
  reports?: ReadonlyArray<{ type: string; content: string }>;
}

export function transferInputOf(row: BatchRow, s: TransferSettings): TransferInput {
  return {
    appid: s.appid,
    outBillNo: row.outBillNo!,
    openid: row.openid!,
    amount: row.amount!,
    sceneId: row.sceneId!,
    remark: row.remark!,
    ...(row.userName !== undefined ? { userName: row.userName } : {}),
    ...(s.notifyUrl ? { notifyUrl: s.notifyUrl } : {}),
    ...(s.perception ? { perception: s.perception } : {}),
    ...(s.reports?.length ? { reports: s.reports } : {}),
  };
}

/** What the journal and --dry-run show: the body with user_name left out (a dry run names the placeholder). */
export function transferPreview(row: BatchRow, s: TransferSettings) {
  const body = transferBody(transferInputOf(row, s), row.userName !== undefined ? '<encrypted user_name>' : undefined);
  return { method: 'POST', path: TRANSFER_PATHS.create, body };
}

const billDone = (t: TransferBill | undefined, status?: number): Exclude<Outcome, { kind: 'not-found' }> =>
  status !== 202 && t && typeof t.state === 'string'
    ? { kind: 'succeeded', ...(t.transfer_bill_no ? { id: t.transfer_bill_no } : {}), state: t.state }
    : { kind: 'unknown', code: 'UNEXPECTED_ANSWER', message: 'the answer is not a transfer bill', rateLimited: false };

export function transferOps(client: WxpayClient, s: TransferSettings): BatchOps {
  return {
    mutating: true,
    // Journaled with `start` and compared on resume: no user_name, neither its ciphertext nor its plaintext.
    request: (row) => transferBody(transferInputOf(row, s)),
    async send(row) {
      try {
        const req = await transferRequest(client, transferInputOf(row, s));
        const res = await client.request({ ...req, idempotent: false });
        return billDone(res.data as TransferBill | undefined, res.status);
      } catch (e) {
        return classifyError(e);
      }
    },
    async lookup(row) {
      try {
        const t = await queryTransfer(client, { outBillNo: row.outBillNo! });
        if (typeof t.state === 'string' && (t.transfer_amount !== row.amount || t.openid !== row.openid)) {
          // The out_bill_no was used for another transfer: settle the row as refused, never send it again.
          return {
            kind: 'rejected',
            code: 'OUT_BILL_NO_CONFLICT',
            message: `${row.outBillNo} already exists as a transfer of ${String(t.transfer_amount)} fen to ${String(t.openid)}: check the file`,
          };
        }
        return billDone(t);
      } catch (e) {
        return lookupFailure(e);
      }
    },
  };
}
