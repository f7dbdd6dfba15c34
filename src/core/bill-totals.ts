// Reconciliation inside the file (protocol §5): recompute the summary block from the detail rows, exactly
// (BigInt, 5 decimals so fees like "0.00060" add up), and list where the file's own summary disagrees.
import { keyOf } from './bill-layout.js';
import { unitsToYuan, yuanToUnits } from './bill-amount.js';

/** Summary key -> the row key it sums (trade bills). */
const TRADE_SUMS: Record<string, string> = {
  settlement_total: 'settlement_total',
  refund_total: 'refund_amount',
  recharge_coupon_refund_total: 'recharge_coupon_refund',
  fee_total: 'fee',
  order_total: 'total',
  applied_refund_total: 'applied_refund',
};

const D = 5;
const amount = (v: string | undefined): bigint => (v ? yuanToUnits(v, D) : 0n);

export class BillTotals {
  private keys: string[] = [];
  private index = new Map<string, number>();
  count = 0;
  private sums = new Map<string, bigint>();
  private income = { n: 0, amount: 0n };
  private expense = { n: 0, amount: 0n };

  header(columns: readonly string[]): void {
    this.keys = columns.map(keyOf);
    this.keys.forEach((k, i) => this.index.set(k, i));
  }

  add(values: readonly string[]): void {
    this.count++;
    for (const rowKey of Object.values(TRADE_SUMS)) {
      const i = this.index.get(rowKey);
      if (i !== undefined) this.sums.set(rowKey, (this.sums.get(rowKey) ?? 0n) + amount(values[i]));
    }
    const dir = this.index.get('direction');
    const amt = this.index.get('amount');
    if (dir !== undefined && amt !== undefined) {
      const side = values[dir] === '收入' ? this.income : values[dir] === '支出' ? this.expense : undefined;
      if (side) {
        side.n++;
        side.amount += amount(values[amt]);
      }
    }
  }

  /** The recomputed value for one summary key, written with the decimals the file used. */
  computed(summaryKey: string, like: string): string | undefined {
    const decimals = (like.split('.')[1] ?? '').length;
    const fmt = (u: bigint) => unitsToYuan(u / 10n ** BigInt(D - Math.min(decimals, D)), Math.min(decimals, D));
    if (summaryKey === 'total_count') return String(this.count);
    if (summaryKey === 'income_count') return String(this.income.n);
    if (summaryKey === 'expense_count') return String(this.expense.n);
    if (summaryKey === 'income_amount') return fmt(this.income.amount);
    if (summaryKey === 'expense_amount') return fmt(this.expense.amount);
    const rowKey = TRADE_SUMS[summaryKey];
    return rowKey && this.sums.has(rowKey) ? fmt(this.sums.get(rowKey)!) : undefined;
  }

  /** Summary fields whose value differs from the rows' total: [] when the file is consistent. */
  mismatches(columns: readonly string[], values: readonly string[]): Array<{ key: string; file: string; rows: string }> {
    const out: Array<{ key: string; file: string; rows: string }> = [];
    columns.forEach((c, i) => {
      const key = keyOf(c);
      const file = values[i] ?? '';
      const rows = this.computed(key, file);
      if (rows === undefined) return;
      const same = key.endsWith('_count') ? Number(file) === Number(rows) : amount(file) === amount(rows);
      if (!same) out.push({ key, file, rows });
    });
    return out;
  }
}
