// PROFITSHARING.SUCCESS and PROFITSHARING.RETURN (docs/protocol.md §15): WeChat Pay tells a merchant receiver about
// money split to it or returned from it, one notification per receiver, original_type `profitsharing`. In production
// the receiver sets the URL on its merchant platform; the sandbox uses the URL set through
// /sandbox/profitsharing/notify-url, else the paid order's notify_url.
import type { SandboxContext } from './context.js';
import type { ReturnRecord, SplitRecord } from './profitsharing-store.js';
import { chinaRfc3339 as rfc3339 } from '../protocol/china-time.js';

const ORIGINAL_TYPE = 'profitsharing';

function urlFor(ctx: SandboxContext, transactionId: string): string | undefined {
  return ctx.state.profitSharing.notifyUrl ?? ctx.state.orderByTransactionId(transactionId)?.notifyUrl;
}

const ids = (r: { mchid: string; subMchid?: string }) =>
  r.subMchid ? { sp_mchid: r.mchid, sub_mchid: r.subMchid } : { mchid: r.mchid };

/** One PROFITSHARING.SUCCESS per merchant receiver of a finished split (the unfrozen rest is no receiver's). */
export function notifyReceivers(ctx: SandboxContext, split: SplitRecord): void {
  const url = urlFor(ctx, split.transactionId);
  if (!url) return;
  for (const l of split.lines) {
    if (l.type !== 'MERCHANT_ID' || l.account === split.mchid || l.result !== 'SUCCESS') continue;
    const plaintext = {
      ...ids(split),
      transaction_id: split.transactionId,
      order_id: split.orderId,
      out_order_no: split.outOrderNo,
      receiver: { type: l.type, account: l.account, amount: l.amount, description: l.description },
      success_time: rfc3339(l.finishTime ?? ctx.now()),
    };
    ctx.notifier.send(url, 'PROFITSHARING.SUCCESS', ORIGINAL_TYPE, plaintext, { outTradeNo: split.outOrderNo });
  }
}

/** PROFITSHARING.RETURN for a return that succeeded: order_id and out_order_no name the return itself. */
export function notifyReturn(ctx: SandboxContext, ret: ReturnRecord, transactionId: string): void {
  const url = urlFor(ctx, transactionId);
  if (!url) return;
  const plaintext = {
    ...ids(ret),
    transaction_id: transactionId,
    order_id: ret.returnId,
    out_order_no: ret.outReturnNo,
    receiver: { type: 'MERCHANT_ID', account: ret.returnMchid, amount: ret.amount, description: ret.description },
    success_time: rfc3339(ret.finishTime ?? ctx.now()),
  };
  ctx.notifier.send(url, 'PROFITSHARING.RETURN', ORIGINAL_TYPE, plaintext, { outTradeNo: ret.outReturnNo });
}
