// One trade-bill row as text, in the column layout of its bill type (bills/layout.ts): the path for the day's real
// payments and refunds (a handful), and the reference the byte writer for seeded rows (seeded-trade-rows.ts) is
// tested against. Totals are counted as the row is written: the summary block is computed from them.
import type { TradeBillType } from '../bills/layout.js';
import { chinaDateTime } from '../protocol/china-time.js';
import type { PaymentEvent, RefundEvent } from './bill-source.js';
import { countTradeRow, FEE_RATE, fee5, feeFen, tickLine, yuan, type Totals } from './bill-cells.js';

export function tradeRow(type: TradeBillType, p: PaymentEvent, r: RefundEvent | undefined, t: Totals): string {
  const refunded = r && r.status === 'SUCCESS' ? r.refund : 0;
  const settle = r ? 0 : p.total;
  const fee = r ? 0 : feeFen(p.total);
  const order = r ? 0 : p.total;
  const applied = r ? r.refund : 0;
  countTradeRow(t, settle, refunded, fee, order, applied);
  const time = type === 'REFUND' ? p.time : (r?.time ?? p.time);
  const head = [
    chinaDateTime(time),
    p.appid,
    p.mchid,
    p.subMchid,
    '',
    p.transactionId,
    p.outTradeNo,
    p.openid,
    p.tradeType,
    r ? 'REFUND' : 'SUCCESS',
    'OTHERS',
    p.currency,
    yuan(settle),
    '0.00',
  ];
  const refundCols = r
    ? [r.refundId, r.outRefundNo, yuan(refunded), '0.00', 'ORIGINAL', r.status]
    : ['0', '0', '0.00', '0.00', '', ''];
  const tail = [p.description, p.attach, fee5(fee), FEE_RATE, yuan(order)];
  const values =
    type === 'SUCCESS'
      ? [...head, ...tail, '']
      : type === 'REFUND'
        ? [
            ...head,
            chinaDateTime(r!.time),
            r!.successTime !== undefined ? chinaDateTime(r!.successTime) : '',
            ...refundCols,
            ...tail,
            yuan(applied),
            '',
          ]
        : [...head, ...refundCols, ...tail, yuan(applied), ''];
  return tickLine(values);
}
