// What `pay code` and `pay reverse` share (docs/protocol.md §18): the Runtime's clock for the waits, and what they
// print once an order is settled: the paid transaction, or what a reverse left behind (REVOKED: nothing taken; a
// transaction_id: the payment was refunded).
import type { FlowClock, FlowResult } from '../api/codepay-flow.js';
import type { Transaction } from '../api/transactions.js';
import { WxpayError } from '../protocol/errors.js';
import type { Output } from '../render.js';
import type { CommandContext } from '../runtime.js';
import { formatYuan } from './amount.js';

/** The Runtime's clock: in-process test runs wait on fake time, the real CLI on timers. */
export const clockOf = (ctx: CommandContext): FlowClock => ({
  now: () => ctx.rt.now(),
  sleep: (ms) => (ctx.rt.sleep ? ctx.rt.sleep(ms) : new Promise((resolve) => setTimeout(resolve, ms))),
});

type Reversed = Extract<FlowResult, { outcome: 'reversed' }>;

const WHY: Record<Reversed['reason'], string> = {
  timeout: 'the payer did not confirm in time',
  cancelled: 'the cashier cancelled',
  payerror: 'the payment failed (PAYERROR)',
  requested: 'reversed on request (wxpay pay reverse)',
};

/** The paid sale as the cashier checks it: the order, WeChat Pay's number, the state, the money, the time. */
export function paidRows(t: Transaction): Array<[string, string]> {
  const total = t.amount?.total;
  return [
    ['out_trade_no', t.out_trade_no],
    ['transaction_id', t.transaction_id ?? ''],
    ['trade_state', t.trade_state],
    ['trade_type', t.trade_type ?? ''],
    ['amount', total === undefined ? '' : `${total} fen (${formatYuan(total)} ${t.amount?.currency ?? 'CNY'})`],
    ['success_time', t.success_time ?? ''],
  ];
}

/** One line on what a reverse did to the money. */
export function reverseSummary(r: Reversed): string {
  const t = r.transaction;
  if (!t) return 'reversed; the order could not be read back: check it with `wxpay query`';
  return t.transaction_id
    ? `reversed: the payment (${t.transaction_id}) is refunded to the payer; trade_state ${t.trade_state}`
    : `reversed: nothing was taken; trade_state ${t.trade_state}`;
}

export function reversedJson(outTradeNo: string, r: Reversed): Record<string, unknown> {
  return {
    outcome: 'reversed',
    reason: r.reason,
    out_trade_no: outTradeNo,
    trade_state: r.transaction?.trade_state ?? null,
    refunded: Boolean(r.transaction?.transaction_id),
    ...(Object.keys(r.answer).length ? { answer: r.answer } : {}),
  };
}

/** Prints the outcome; a payment not taken ends in a typed error, so scripts see a non-zero exit. */
export function printOutcome(out: Output, outTradeNo: string, result: FlowResult): void {
  if (result.outcome === 'paid') {
    if (out.json) out.data({ outcome: 'paid', ...result.transaction });
    else out.table(paidRows(result.transaction));
    return;
  }
  if (result.outcome === 'failed') {
    const state = result.transaction.trade_state;
    if (out.json) out.data({ outcome: 'failed', ...result.transaction });
    throw new WxpayError('CODEPAY_NOT_PAID', `${outTradeNo} was not paid: trade_state ${state}`, {
      hint: 'Nothing is owed on this order. Scan a fresh code and take the payment again under a new --out-trade-no.',
      details: { out_trade_no: outTradeNo, trade_state: state },
    });
  }
  if (out.json) out.data(reversedJson(outTradeNo, result));
  else out.line(`${outTradeNo}: ${reverseSummary(result)}`);
  throw new WxpayError('CODEPAY_REVERSED', `${outTradeNo} reversed: ${WHY[result.reason]}`, {
    hint: 'The payment was not taken (or was refunded). Scan a fresh code and take it again under a new --out-trade-no.',
    details: reversedJson(outTradeNo, result),
  });
}
