// `bill reconcile`'s engine: every source is reduced to records (records.ts), sorted together on disk by
// out_trade_no (external-sort.ts), and each order's group compared (compare.ts). Findings are streamed to the
// caller, so neither the inputs nor the findings are held in memory. The caller owns `dir`, a private temp folder.
import { readBill } from './bill-source.js';
import { compareOrder, CATEGORIES, type Category, type Finding } from './compare.js';
import { ExternalSorter } from './external-sort.js';
import { readCallbacks } from './journal-source.js';
import { readMine } from './mine-source.js';
import { encodeRec, groups, type Rec } from './records.js';

export interface ReconcileInput {
  /** A private folder for the sort's run files (mkdtemp, removed by the caller). */
  dir: string;
  billFile: string;
  mineFile?: string | undefined;
  map?: string | undefined;
  journalFile?: string | undefined;
  /** Only bill rows this predicate keeps take part (notify recover: its time window). */
  keepBillRow?: ((time: string) => boolean) | undefined;
  runLines?: number | undefined;
}

export interface ReconcileStats {
  billRows: number;
  mineRows: number | undefined;
  callbacks: number | undefined;
  orders: number;
  counts: Record<Category, number>;
}

export async function reconcile(input: ReconcileInput, onFinding: (f: Finding) => void): Promise<ReconcileStats> {
  const sorter = new ExternalSorter(input.dir, input.runLines);
  const add = (key: string, rec: Rec) => sorter.add(encodeRec(key, rec));
  const billRows = await readBill(input.billFile, (key, rec) => {
    if (!input.keepBillRow || input.keepBillRow(rec.time)) add(key, rec);
  });
  const mineRows = input.mineFile ? await readMine(input.mineFile, input.map, add) : undefined;
  const callbacks = input.journalFile ? ((await readCallbacks(input.journalFile, add)) ?? 0) : undefined;
  const sources = { mine: mineRows !== undefined, journal: callbacks !== undefined };
  const counts = Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>;
  let orders = 0;
  for (const { key, recs } of groups(sorter.sorted())) {
    // Orders only the journal knows (another day's callbacks) are not this day's business.
    if (recs.every((r) => r.type === 'J')) continue;
    orders++;
    for (const f of compareOrder(key, recs, sources)) {
      counts[f.category]++;
      onFinding(f);
    }
  }
  return { billRows, mineRows, callbacks, orders, counts };
}
