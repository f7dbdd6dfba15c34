// Reconciliation inside the file (docs/protocol.md §5): recompute the summary block from the detail rows, exactly
// (BigInt, 5 decimals so fees like "0.00060" add up), and list where the file's own summary disagrees.
import { keyOf } from './layout.js';
import { unitsToYuan, yuanToUnits } from './amount.js';

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

/** Exact sum in 1e-5 yuan: a Number while it is safely an integer, folded into a BigInt before it is not. */
class Sum {
  private small = 0;
  private big = 0n;
  invalid = false;
  add(v: string | undefined): void {
    if (!v) return;
    const m = /^(-?)(\d{1,9})\.(\d{2}|\d{5})$/.exec(v);
    if (!m) {
      // Not an amount the file should hold: the sum is then unknown rather than a reason to reject the bill.
      try {
        this.big += amount(v);
      } catch {
        this.invalid = true;
      }
      return;
    }
    const units = Number(m[2]) * 100_000 + Number(m[3]!.padEnd(5, '0'));
    this.small += m[1] ? -units : units;
    if (Math.abs(this.small) > 2 ** 50) this.flush();
  }
  private flush(): void {
    this.big += BigInt(this.small);
    this.small = 0;
  }
  get value(): bigint {
    this.flush();
    return this.big;
  }
}

export class BillTotals {
  private keys: string[] = [];
  private index = new Map<string, number>();
  count = 0;
  private sums = new Map<string, Sum>();
  private income = { n: 0, amount: new Sum() };
  private expense = { n: 0, amount: new Sum() };

  header(columns: readonly string[]): void {
    this.keys = columns.map(keyOf);
    this.keys.forEach((k, i) => this.index.set(k, i));
  }

  add(values: readonly string[]): void {
    this.count++;
    for (const rowKey of Object.values(TRADE_SUMS)) {
      const i = this.index.get(rowKey);
      if (i === undefined) continue;
      let sum = this.sums.get(rowKey);
      if (!sum) this.sums.set(rowKey, (sum = new Sum()));
      sum.add(values[i]);
    }
    const dir = this.index.get('direction');
    const amt = this.index.get('amount');
    if (dir !== undefined && amt !== undefined) {
      const side = values[dir] === '收入' ? this.income : values[dir] === '支出' ? this.expense : undefined;
      if (side) {
        side.n++;
        side.amount.add(values[amt]);
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
    if (summaryKey === 'income_amount') return this.income.amount.invalid ? undefined : fmt(this.income.amount.value);
    if (summaryKey === 'expense_amount')
      return this.expense.amount.invalid ? undefined : fmt(this.expense.amount.value);
    const rowKey = TRADE_SUMS[summaryKey];
    const sum = rowKey ? this.sums.get(rowKey) : undefined;
    return sum && !sum.invalid ? fmt(sum.value) : undefined;
  }

  /** Summary fields whose value differs from the rows' total: [] when the file is consistent. */
  mismatches(
    columns: readonly string[],
    values: readonly string[],
  ): Array<{ key: string; file: string; rows: string }> {
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
