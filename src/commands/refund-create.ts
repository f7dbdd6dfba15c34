// `wxpay refund create`: a domestic refund (docs/protocol.md §5). The same out_refund_no and body are sent on every
// retry, so a retried POST creates one refund. Asks for confirmation on a TTY; without a TTY --yes is required.
import { createRefund, refundRequest, type RefundInput } from '../api/refunds.js';
import { WxpayError } from '../protocol/errors.js';
import type { CommandContext } from '../runtime.js';
import type { RefundCreateOptions } from '../cli/refund.js';
import { formatYuan, parseFen } from '../command-kit/amount.js';
import { printDryRun, withClient } from '../command-kit/client-context.js';
import { refundRows } from './refund-query.js';
import { confirmSend } from '../command-kit/confirm.js';
import { outputFor } from '../command-kit/shared.js';

const usage = (message: string, hint: string) => new WxpayError('USAGE', message, { hint });

export function refundInputFrom(opts: RefundCreateOptions): RefundInput {
  if (Boolean(opts.outTradeNo) === Boolean(opts.transactionId))
    throw usage('Give exactly one of --out-trade-no and --transaction-id', 'e.g. --out-trade-no ORDER001');
  if (!opts.outRefundNo)
    throw usage(
      '--out-refund-no is required',
      'Your own refund number; reuse it when retrying so the refund is made once.',
    );
  const refund = parseFen(opts.amount, '--amount', opts.yuan);
  const total = parseFen(opts.total, '--total', opts.yuan);
  if (refund > total)
    throw usage(
      `--amount ${refund} is more than --total ${total}`,
      '--total is the original order amount; --amount is what to refund.',
    );
  return {
    ...(opts.outTradeNo ? { outTradeNo: opts.outTradeNo } : { transactionId: opts.transactionId! }),
    outRefundNo: opts.outRefundNo,
    refund,
    total,
    reason: opts.reason,
    notifyUrl: opts.notifyUrl,
    subMchid: opts.subMchid,
  };
}

/** Asks on a TTY (--yes in scripts) with the order and the amount; see command-kit/confirm.ts. */
export function confirmRefund(
  ctx: CommandContext<Pick<RefundCreateOptions, 'yes'>>,
  input: RefundInput,
): Promise<boolean> {
  const order = input.outTradeNo ?? input.transactionId;
  const question = `Refund ${input.refund} fen (${formatYuan(input.refund)} CNY) of ${input.total} fen on order ${order} as ${input.outRefundNo}?`;
  return confirmSend(ctx, question, 'refund');
}

export async function run(ctx: CommandContext<RefundCreateOptions>): Promise<void> {
  const input = refundInputFrom(ctx.opts);
  await withClient(ctx, async ({ client, profile }) => {
    const withNotify = input.notifyUrl || !profile.notifyUrl ? input : { ...input, notifyUrl: profile.notifyUrl };
    if (ctx.opts.dryRun) {
      printDryRun(ctx, client.preview(refundRequest(withNotify)));
      return;
    }
    if (!(await confirmRefund(ctx, withNotify))) return;
    const r = await createRefund(client, withNotify);
    const out = outputFor(ctx);
    if (out.json) {
      out.data(r);
      return;
    }
    out.table(refundRows(r));
  });
}
