// The fund-flow bill's rows (BASIC account only): a payment brings its amount in and its fee out, a successful
// refund takes its amount out; the balance runs along the rows in time order, synthetic events after real ones.
import { chinaDateTime } from '../protocol/china-time.js';
import { feeFen, fundValue, yuan, type BillSpec, type Totals } from './bill-cells.js';
import { syntheticEvent, type PaymentEvent, type RefundEvent } from './bill-source.js';

function count(t: Totals, income: boolean, fen: number): void {
  t.n++;
  if (income) {
    t.inN++;
    t.inFen += fen;
  } else {
    t.outN++;
    t.outFen += fen;
  }
}

/** A fund-flow line, as values.map(fundValue).join(','): one test over the whole line for the characters that need
 *  escaping or quotes, as most lines have none. */
export function fundLine(values: readonly string[]): string {
  return /[",\r\n]/.test(values.join('')) ? values.map(fundValue).join(',') : `\`${values.join(',`')}`;
}

/** chinaDateTime, its date and minute computed once per minute: a day's 100,000 seeded rows share 1,440 minutes. */
export function minuteCachedDateTime(): (ms: number) => string {
  let minute = NaN;
  let prefix = '';
  return (ms) => {
    const m = Math.floor(ms / 60_000);
    if (m !== minute) {
      minute = m;
      const start = chinaDateTime(m * 60_000);
      // A year outside 0000-9999 is written in ISO's longer form: no cache for it.
      prefix = start.length === 19 ? start.slice(0, 17) : '';
    }
    if (prefix === '') return chinaDateTime(ms);
    const sec = Math.floor(ms / 1000) - m * 60;
    return `${prefix}${sec < 10 ? '0' : ''}${sec}`;
  };
}

/** One fund-flow line: its time, business number, flow number, type, direction, amount, remark and voucher. */
interface FundLine {
  time: number;
  no: string;
  flow: string;
  name: string;
  income: boolean;
  fen: number;
  remark: string;
  voucher: string;
}

/** Writes the lines of one bill in order: the balance runs along them, and each is counted in the totals. Lines are
 *  object literals of one shape (a spread of shared fields made each row several times slower). */
function fundLineWriter(t: Totals): (l: FundLine) => string {
  let balance = 0;
  const dateTime = minuteCachedDateTime();
  return ({ time, no, flow, name, income, fen, remark, voucher }) => {
    balance += income ? fen : -fen;
    count(t, income, fen);
    const direction = income ? '收入' : '支出';
    return fundLine([
      dateTime(time),
      no,
      flow,
      name,
      name,
      direction,
      yuan(fen),
      yuan(balance),
      '系统',
      remark,
      voucher,
    ]);
  };
}

export function* fundRows(spec: BillSpec, t: Totals): Generator<string> {
  if (spec.account !== 'BASIC') return;
  const row = fundLineWriter(t);
  function* entries(p: PaymentEvent | undefined, r: RefundEvent | undefined): Generator<string> {
    if (p) {
      const { time, transactionId: no, total, outTradeNo: voucher } = p;
      yield row({ time, no, flow: `F${no}`, name: '交易', income: true, fen: total, remark: '', voucher });
      const fee = feeFen(total);
      if (fee > 0)
        yield row({ time, no, flow: `C${no}`, name: '扣除交易手续费', income: false, fen: fee, remark: '', voucher });
    }
    if (r && r.status === 'SUCCESS')
      yield row({
        time: r.successTime ?? r.time,
        no: r.refundId,
        flow: `F${r.refundId}`,
        name: '退款',
        income: false,
        fen: r.refund,
        remark: r.reason,
        voucher: r.outRefundNo,
      });
  }
  if (spec.kind === 'profitsharing') return (spec.splits ?? []).length > 0;
  const { payments, refunds, synthetic } = spec.events;
  const real: Array<[number, PaymentEvent | undefined, RefundEvent | undefined]> = [
    ...payments.map((p) => [p.time, p, undefined] as [number, PaymentEvent, undefined]),
    ...refunds.map((r) => [r.successTime ?? r.time, undefined, r] as [number, undefined, RefundEvent]),
  ];
  for (const [, p, r] of real.sort((a, b) => a[0] - b[0])) yield* entries(p, r);
  for (const b of synthetic) {
    for (let i = 0; i < b.count; i++) {
      const e = syntheticEvent(b, i);
      yield* entries(e.payment, e.refund);
    }
  }
}
