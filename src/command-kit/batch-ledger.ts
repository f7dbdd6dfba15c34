// `--ledger postgres://…` (or WXPAY_LEDGER) for refund and transfer batches: the shared ledger of
// store/batch-ledger.ts as the batch's SendGate (batch/send-gate.ts). Loaded only when a ledger is given.
import os from 'node:os';
import { WxpayError } from '../protocol/errors.js';
import { redactStoreUrl } from '../protocol/redact.js';
import type { SendGate } from '../batch/send-gate.js';
import type { BatchRow, Outcome } from '../batch/types.js';
import type { Settlement } from '../store/batch-ledger.js';

/** --ledger, else the profile's `ledger` (WXPAY_LEDGER, else the rc); undefined (or empty): the journals only. */
export function ledgerUrlOf(flag: string | undefined, profileLedger: string | undefined): string | undefined {
  const url = flag ?? profileLedger;
  return url === '' ? undefined : url;
}

export interface LedgerGateOptions {
  url: string;
  kind: 'refund' | 'transfer';
  mchid: string;
  /** The journal this batch writes: with the host, who claimed a row. */
  journalFile: string;
  allowAdditional: boolean;
  concurrency: number;
}

const settlement = (out: Outcome): Settlement =>
  out.kind === 'succeeded'
    ? { status: 'succeeded', state: out.state, id: out.id }
    : { status: out.kind === 'unknown' ? 'unknown' : 'refused' };

/** The row's order as the ledger keys it: rows must name an order the same way on every machine. */
const orderKey = (row: BatchRow) => row.outTradeNo ?? `transaction_id:${row.transactionId!}`;

export async function openLedgerGate(o: LedgerGateOptions): Promise<{ gate: SendGate; close(): Promise<void> }> {
  if (!/^postgres(ql)?:\/\//i.test(o.url))
    throw new WxpayError('USAGE', `--ledger must be a postgres:// URL, got "${redactStoreUrl(o.url).slice(0, 80)}"`, {
      hint: 'e.g. --ledger postgres://wxpay@db.internal:5432/wxpay (or WXPAY_LEDGER)',
    });
  const { openBatchLedger } = await import('../store/open.js');
  const opened = await openBatchLedger(o.url, o.concurrency + 1);
  const { ledger } = opened;
  const owner = `${os.hostname()}:${o.journalFile}`;
  const refused = (a: Awaited<ReturnType<typeof ledger.claimRefund>>) =>
    a.ok ? undefined : { code: a.code, message: a.message };
  const gate: SendGate =
    o.kind === 'refund'
      ? {
          claim: async (row) =>
            refused(
              await ledger.claimRefund({
                mchid: o.mchid,
                orderKey: orderKey(row),
                outRefundNo: row.outRefundNo!,
                amount: row.amount!,
                total: row.total!,
                owner,
                allowAdditional: o.allowAdditional,
              }),
            ),
          settle: (row, out) => ledger.settleRefund(o.mchid, row.outRefundNo!, settlement(out)),
        }
      : {
          claim: async (row) =>
            refused(await ledger.claimTransfer({ mchid: o.mchid, outBillNo: row.key, amount: row.amount!, owner })),
          settle: (row, out) => ledger.settleTransfer(o.mchid, row.key, settlement(out)),
        };
  return { gate, close: () => opened.close() };
}
