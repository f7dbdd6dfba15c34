// The day's trade bill (ALL: payments and refunds) downloaded into a file for `bill reconcile` and `notify
// recover`: applied, streamed, gunzipped and SHA1-checked like `bill trade --format raw`, kept as sent.
import { downloadBill } from '../api/bills.js';
import { explainBillError } from '../bills/dates.js';
import type { WxpayClient } from '../http/client.js';
import { applyBill } from './bill-kinds.js';

export async function downloadTradeBill(client: WxpayClient, date: string, target: string, now: number): Promise<void> {
  const apply = await applyBill(client, 'trade', { type: 'ALL' }, date).catch((e: unknown) => {
    throw explainBillError(e, date, now);
  });
  await downloadBill(client, apply, { format: 'raw', target });
}
