// The trade bill as reconcile records: each payment row (trade_state SUCCESS) becomes a P record with the order
// amount in fen, each refund row an R record. Read in chunks through BillParser, so the bill's size does not matter.
import { createReadStream } from 'node:fs';
import { yuanToFen } from '../bills/amount.js';
import { keyOf } from '../bills/layout.js';
import { BillParseError, BillParser, type BillRecord } from '../bills/parse.js';
import { WxpayError } from '../protocol/errors.js';
import { lineLimiter } from './line-limit.js';
import type { PaymentRec, RefundRec } from './records.js';

export type BillRec = PaymentRec | RefundRec;
type Columns = Record<'out_trade_no' | 'trade_state' | 'total' | 'trade_time', number> & {
  out_refund_no: number;
  refund_status: number;
  refund_amount: number;
};

const corrupt = (file: string, message: string, cause?: unknown) =>
  new WxpayError('BILL_CORRUPT', `${file}: ${message}`, {
    hint: 'Give the trade bill as downloaded (wxpay bill trade --type ALL --format raw), not a converted copy.',
    ...(cause === undefined ? {} : { cause }),
  });

function columnsOf(file: string, header: Extract<BillRecord, { type: 'header' }>): Columns {
  if (header.kind !== 'trade') throw corrupt(file, 'this is not a trade bill (its header does not match)');
  const at = (k: string) => header.columns.findIndex((c) => keyOf(c) === k);
  const cols = {
    out_trade_no: at('out_trade_no'),
    trade_state: at('trade_state'),
    total: at('total') >= 0 ? at('total') : at('settlement_total'),
    trade_time: at('trade_time'),
    out_refund_no: at('out_refund_no'),
    refund_status: at('refund_status'),
    refund_amount: at('refund_amount'),
  };
  if (cols.out_trade_no < 0 || cols.trade_state < 0 || cols.total < 0)
    throw corrupt(file, 'the bill has no 商户订单号, 交易状态 or 订单金额 column');
  return cols;
}

/** A payment (SUCCESS) or refund (REFUND) row; other states (a revoked payment) moved no money and are skipped. */
function recOf(file: string, c: Columns, values: string[], line: number): { key: string; rec: BillRec } | undefined {
  const v = (i: number) => (i < 0 ? '' : (values[i] ?? ''));
  const fen = (i: number) => {
    try {
      return yuanToFen(v(i) || '0').toString();
    } catch (e) {
      throw corrupt(file, `line ${line}: "${v(i).slice(0, 40)}" is not an amount in yuan`, e);
    }
  };
  const key = v(c.out_trade_no);
  if (v(c.trade_state) === 'REFUND' && c.out_refund_no >= 0)
    return {
      key,
      rec: {
        type: 'R',
        outRefundNo: v(c.out_refund_no),
        status: v(c.refund_status),
        fen: fen(c.refund_amount),
        time: v(c.trade_time),
      },
    };
  if (v(c.trade_state) !== 'SUCCESS') return undefined;
  return { key, rec: { type: 'P', fen: fen(c.total), time: v(c.trade_time) } };
}

/** Calls `emit` for each detail row of the bill file; returns the row count. */
export async function readBill(file: string, emit: (key: string, rec: BillRec) => void): Promise<number> {
  const parser = new BillParser();
  const limit = lineLimiter(file);
  let cols: Columns | undefined;
  const take = (records: BillRecord[]) => {
    for (const r of records) {
      if (r.type === 'header') cols = columnsOf(file, r);
      else if (r.type === 'row' && cols) {
        const got = recOf(file, cols, r.values, r.line);
        if (got) emit(got.key, got.rec);
      }
    }
  };
  try {
    for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 256 * 1024 })) {
      limit(chunk as string);
      take(parser.push(chunk as string));
    }
    take(parser.end());
  } catch (e) {
    if (e instanceof BillParseError) throw corrupt(file, e.message, e);
    throw e;
  }
  return parser.rows;
}
