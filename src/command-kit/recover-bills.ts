// `notify recover`'s second source: the trade bills of the window's days. Each bill is compared with the journal by
// the same engine as `bill reconcile` (src/reconcile/): its paid_without_callback and refund_without_callback
// findings are the callbacks that never arrived. Only those few are then queried, for the recovered event's resource.
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { queryOrder } from '../api/transactions.js';
import { queryRefund } from '../api/refunds.js';
import type { WxpayClient } from '../http/client.js';
import { chinaDate, chinaDayStart, parseChinaTime } from '../protocol/china-time.js';
import { WxpayError } from '../protocol/errors.js';
import { reconcile, type Finding } from '../reconcile/index.js';
import { tempRoot, type Runtime } from '../runtime.js';
import * as recover from '../webhook/recover.js';
import { downloadTradeBill } from './trade-bill-file.js';

const DAY_MS = 86_400_000;
/** WeChat Pay keeps bills for 3 months; a longer window would only ask for bills that are gone. */
const MAX_DAYS = 92;
/** The answers that mean "no bill for this day (yet)": not an error for a window that ends today. */
const NO_BILL = new Set(['NO_STATEMENT_EXIST', 'STATEMENT_CREATING']);

/** The China-time days the window touches, oldest first. */
export function daysOf(window: [number, number]): string[] {
  const days: string[] = [];
  for (let d = chinaDate(window[0]); chinaDayStart(d) <= window[1]; d = chinaDate(chinaDayStart(d) + DAY_MS + 1)) {
    days.push(d);
    if (days.length > MAX_DAYS)
      throw new WxpayError('USAGE', `--since … --until spans more than ${MAX_DAYS} days of bills`, {
        hint: 'WeChat Pay keeps bills for 3 months: narrow the window, or give --no-bills with --orders/--refunds.',
      });
  }
  return days;
}

export interface FromBills {
  found: recover.ExpectedCallback[];
  /** Bill rows (payments and refunds) in the window. */
  checked: number;
  /** Days without a bill yet (or without transactions). */
  skipped: string[];
}

async function expectedFor(client: WxpayClient, f: Finding): Promise<recover.ExpectedCallback | undefined> {
  if (f.category === 'paid_without_callback')
    return recover.expectedForOrder(await queryOrder(client, { outTradeNo: f.out_trade_no }));
  if (f.category === 'refund_without_callback' && f.out_refund_no !== undefined)
    return recover.expectedForRefund(await queryRefund(client, f.out_refund_no));
  return undefined;
}

/** Which final states in the window's bills have no callback in the journal. */
export async function expectedFromBills(
  rt: Runtime,
  client: WxpayClient,
  window: [number, number],
  journal: string,
): Promise<FromBills> {
  const result: FromBills = { found: [], checked: 0, skipped: [] };
  const dir = await mkdtemp(path.join(tempRoot(rt), 'wxpay-recover-'));
  try {
    for (const day of daysOf(window)) {
      const billFile = path.join(dir, `trade-${day}.csv`);
      try {
        await downloadTradeBill(client, day, billFile, rt.now());
      } catch (e) {
        if (e instanceof WxpayError && NO_BILL.has(e.wechatpay?.code ?? '')) {
          result.skipped.push(day);
          continue;
        }
        throw e;
      }
      const findings: Finding[] = [];
      const keepBillRow = (t: string) => {
        const inWindow = parseChinaTime(t) >= window[0] && parseChinaTime(t) <= window[1];
        if (inWindow) result.checked++;
        return inWindow;
      };
      await reconcile({ dir, billFile, journalFile: journal, keepBillRow }, (f) => findings.push(f));
      for (const f of findings) {
        const x = await expectedFor(client, f);
        if (x) result.found.push(x);
      }
      await rm(billFile, { force: true });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return result;
}
