// Reconciliation inside the file (docs/protocol.md §5): recompute the summary block from the detail rows, exactly
// (BigInt, 5 decimals so fees like "0.00060" add up), and list where the file's own summary disagrees.
import { keyOf } from './layout.js';
import { unitsToYuan, yuanToUnits } from './amount.js';
import type { RowSpan } from './row-bytes.js';

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
const MINUS = 0x2d;
const DOT = 0x2e;

/** Where the ASCII digits starting at s end (e at most). */
function digitsEnd(b: Buffer, s: number, e: number): number {
  let i = s;
  while (i < e && b[i]! >= 0x30 && b[i]! <= 0x39) i++;
  return i;
}

/** The value of the ASCII digits [s, e); at most 9 of them, so it is exact. */
function digitsValue(b: Buffer, s: number, e: number): number {
  let v = 0;
  for (let i = s; i < e; i++) v = v * 10 + b[i]! - 0x30;
  return v;
}
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
    this.addUnits(Number(m[2]) * 100_000 + Number(m[3]!.padEnd(5, '0')), m[1] !== '');
  }
  /** add() for bytes [s, e) of a row (bills/row-bytes.ts): the same pattern read digit by digit, no string made. */
  addBytes(b: Buffer, s: number, e: number): void {
    const neg = b[s] === MINUS;
    const intEnd = digitsEnd(b, neg ? s + 1 : s, e);
    const intLen = intEnd - (neg ? s + 1 : s);
    const fracLen = e - intEnd - 1;
    if (
      intLen < 1 ||
      intLen > 9 ||
      b[intEnd] !== DOT ||
      (fracLen !== 2 && fracLen !== 5) ||
      digitsEnd(b, intEnd + 1, e) !== e
    ) {
      if (s < e) this.add(b.toString('utf8', s, e));
      return;
    }
    const frac = digitsValue(b, intEnd + 1, e) * (fracLen === 2 ? 1000 : 1);
    this.addUnits(digitsValue(b, neg ? s + 1 : s, intEnd) * 100_000 + frac, neg);
  }
  private addUnits(units: number, neg: boolean): void {
    this.small += neg ? -units : units;
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
  count = 0;
  private sums = new Map<string, Sum>();
  /** [column index, its Sum] for each summed column the header has. */
  private summed: Array<[number, Sum]> = [];
  private dir = -1;
  private amt = -1;
  private income = { n: 0, amount: new Sum() };
  private expense = { n: 0, amount: new Sum() };

  header(columns: readonly string[]): void {
    // lastIndexOf: a column name that repeats counts its last column.
    const keys = columns.map(keyOf);
    for (const rowKey of Object.values(TRADE_SUMS)) {
      const i = keys.lastIndexOf(rowKey);
      if (i < 0) continue;
      const sum = new Sum();
      this.sums.set(rowKey, sum);
      this.summed.push([i, sum]);
    }
    this.dir = keys.lastIndexOf('direction');
    this.amt = this.dir < 0 ? -1 : keys.lastIndexOf('amount');
  }

  add(values: readonly string[]): void {
    this.count++;
    for (const [i, sum] of this.summed) sum.add(values[i]);
    if (this.amt >= 0) this.side(values[this.dir])?.amount.add(values[this.amt]);
  }

  /** add() for a row the byte fast path split (bills/row-bytes.ts). */
  addSpan(b: Buffer, span: RowSpan): void {
    this.count++;
    for (const [i, sum] of this.summed) sum.addBytes(b, span.start[i]!, span.end[i]!);
    if (this.amt < 0) return;
    const [s, e] = [span.start[this.dir]!, span.end[this.dir]!];
    // Both directions are 6 bytes in UTF-8: only then is the value worth decoding.
    this.side(e - s === 6 ? b.toString('utf8', s, e) : undefined)?.amount.addBytes(
      b,
      span.start[this.amt]!,
      span.end[this.amt]!,
    );
  }

  /** The income or expense tally a fund-bill direction counts in (the count is taken here). */
  private side(direction: string | undefined): { n: number; amount: Sum } | undefined {
    const side = direction === '收入' ? this.income : direction === '支出' ? this.expense : undefined;
    if (side) side.n++;
    return side;
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
    // A column no row has added to is not checked (as when no row was read).
    const sum = rowKey && this.count > 0 ? this.sums.get(rowKey) : undefined;
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
