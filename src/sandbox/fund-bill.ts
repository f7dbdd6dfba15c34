// The fund-flow bill's rows (BASIC account only): a payment brings its amount in and its fee out, a successful
// refund takes its amount out; the balance runs along the rows in time order, synthetic events after real ones.
import { chinaDateTime } from '../protocol/china-time.js';
import { feeFen, fundValue, yuan, type BillSpec, type Totals } from './bill-cells.js';
import { syntheticEvent, type PaymentEvent, type RefundEvent } from './bill-source.js';

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

export function* fundRows(spec: BillSpec, t: Totals): Generator<string> {
  if (spec.account !== 'BASIC') return;
  let balance = 0;
  const row = ({ time, no, flow, name, income, fen, remark, voucher }: FundLine) => {
    balance += income ? fen : -fen;
    count(t, income, fen);
    return [
      chinaDateTime(time),
      no,
      flow,
      name,
      name,
      income ? '收入' : '支出',
      yuan(fen),
      yuan(balance),
      '系统',
      remark,
      voucher,
    ]
      .map(fundValue)
      .join(',');
  };
  function* entries(p: PaymentEvent | undefined, r: RefundEvent | undefined): Generator<string> {
    if (p) {
      const paid = { time: p.time, no: p.transactionId, remark: '', voucher: p.outTradeNo };
      yield row({ ...paid, flow: `F${p.transactionId}`, name: '交易', income: true, fen: p.total });
      const fee = feeFen(p.total);
      if (fee > 0) yield row({ ...paid, flow: `C${p.transactionId}`, name: '扣除交易手续费', income: false, fen: fee });
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
