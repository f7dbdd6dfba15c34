// `wxpay query <out_trade_no>` | `wxpay query --transaction-id <id>`: an order's state, amount, payer and
// time (docs/protocol.md §5 query), or the whole verified transaction object with --json.
import { queryCombine, type CombineOrder } from '../api/combine.js';
import { queryOrder, type OrderRef, type Transaction } from '../api/transactions.js';
import { WxpayError } from '../protocol/errors.js';
import type { CommandContext } from '../runtime.js';
import type { QueryOptions } from '../cli/query.js';
import { formatYuan } from '../command-kit/amount.js';
import { withClient } from '../command-kit/client-context.js';
import { outputFor } from '../command-kit/shared.js';

export function orderRefFrom(outTradeNo: unknown, transactionId: string | undefined): OrderRef {
  if (outTradeNo && transactionId)
    throw new WxpayError('USAGE', 'Give an out_trade_no or --transaction-id, not both', {
      hint: 'e.g. wxpay query ORDER001',
    });
  if (transactionId) return { transactionId };
  if (outTradeNo) return { outTradeNo: String(outTradeNo) };
  throw new WxpayError('USAGE', 'Which order? Give an out_trade_no or --transaction-id', {
    hint: 'e.g. wxpay query ORDER001, or wxpay query --transaction-id 4200000000000000000000000000',
  });
}

export function summarize(t: Transaction): Array<[string, string]> {
  const rows: Array<[string, string]> = [
    ['state', `${t.trade_state}${t.trade_state_desc ? ` (${t.trade_state_desc})` : ''}`],
    ['out_trade_no', t.out_trade_no],
  ];
  if (t.transaction_id) rows.push(['transaction_id', t.transaction_id]);
  if (t.amount?.total !== undefined) {
    const paid =
      t.amount.payer_total !== undefined && t.amount.payer_total !== t.amount.total
        ? `, payer paid ${t.amount.payer_total} fen`
        : '';
    rows.push(['amount', `${t.amount.total} fen (${formatYuan(t.amount.total)} ${t.amount.currency ?? 'CNY'})${paid}`]);
  }
  const payer = t.payer?.openid ?? t.payer?.sub_openid ?? t.payer?.sp_openid;
  if (payer) rows.push(['payer', payer]);
  if (t.trade_type) rows.push(['trade_type', t.trade_type]);
  if (t.success_time) rows.push(['success_time', t.success_time]);
  if (t.attach) rows.push(['attach', t.attach]);
  return rows;
}

/** One row per sub-order of a combine order: its state, amount and transaction_id. */
export function summarizeCombine(c: CombineOrder): Array<[string, string]> {
  return [
    ['combine_out_trade_no', c.combine_out_trade_no],
    ...c.sub_orders.map((s): [string, string] => [
      s.out_trade_no,
      [
        s.trade_state,
        s.amount?.total_amount !== undefined ? `${s.amount.total_amount} fen` : '',
        s.transaction_id ?? '',
      ]
        .filter(Boolean)
        .join('  '),
    ]),
  ];
}

async function runCombine(ctx: CommandContext<QueryOptions>, combineOutTradeNo: string): Promise<void> {
  if (ctx.args[0] || ctx.opts.transactionId)
    throw new WxpayError('USAGE', 'Give --combine alone: it names the whole combine order', {
      hint: 'e.g. wxpay query --combine C20260101001',
    });
  const c = await withClient(ctx, ({ client }) => queryCombine(client, combineOutTradeNo));
  const out = outputFor(ctx);
  if (out.json) return out.data(c);
  out.table(summarizeCombine(c));
}

export async function run(ctx: CommandContext<QueryOptions>): Promise<void> {
  if (ctx.opts.combine !== undefined) return runCombine(ctx, ctx.opts.combine);
  const ref = orderRefFrom(ctx.args[0], ctx.opts.transactionId);
  const t = await withClient(ctx, ({ client }) =>
    queryOrder(client, ref, ctx.opts.subMchid ? { subMchid: ctx.opts.subMchid } : undefined),
  );
  const out = outputFor(ctx);
  if (out.json) return out.data(t);
  out.table(summarize(t));
}
