// Profit-sharing rules (docs/protocol.md §15): only an order paid with settle_info.profit_sharing can be split, each
// receiver must have been added first, a split cannot exceed the unsplit amount (NOT_ENOUGH), the same out_order_no
// with the same body answers the same, and a split goes PROCESSING -> FINISHED (receivers PENDING -> SUCCESS).
// An unfreeze, or unfreeze_unsplit, releases what is left to the merchant and ends splitting for the order.
import { SandboxApiError, invalidRequest, paramError, resourceNotExists } from './api-error.js';
import type { SandboxContext } from './context.js';
import { refresh } from './order-times.js';
import { notifyReceivers } from './profitsharing-notify.js';
import { merchantKey, type SplitLine, type SplitRecord } from './profitsharing-store.js';
import { chinaDigits, chinaRfc3339 as rfc3339 } from '../protocol/china-time.js';
import { randomDigits } from '../protocol/serials.js';
import type { OrderRecord } from './state.js';

type Body = Record<string, unknown>;
export interface Who {
  mchid: string;
  subMchid?: string;
}
const MAX_SPLITS = 50;
const orderId = (ms: number) => `3008${randomDigits(6)}${chinaDigits(ms).slice(0, 8)}${randomDigits(10)}`;

/** The paid order behind a transaction_id, if it is this merchant's and was paid for splitting. */
export function splittableOrder(ctx: SandboxContext, who: Who, transactionId: string, forQuery = false): OrderRecord {
  const order = ctx.state.orderByTransactionId(transactionId);
  if (!order) throw resourceNotExists('订单不存在');
  if (order.mchid !== who.mchid || order.subMchid !== who.subMchid)
    throw invalidRequest(forQuery ? '非本商户的订单不支持查询' : '非本商户的订单不支持分账');
  refresh(ctx, order);
  if (!order.profitSharing) throw invalidRequest(forQuery ? '非分账订单不支持此查询' : '非分账订单不支持分账');
  return order;
}

/** Fen still frozen for splitting: the total minus every split line not CLOSED (an unfreeze is a line too). */
export function unsplitAmount(ctx: SandboxContext, order: OrderRecord): number {
  const used = ctx.state.profitSharing
    .splitsOf(order.transactionId!)
    .flatMap((s) => s.lines)
    .filter((l) => l.result !== 'CLOSED')
    .reduce((sum, l) => sum + l.amount, 0);
  return Math.max(0, order.total - used);
}

const finishedForSplitting = (ctx: SandboxContext, order: OrderRecord) =>
  ctx.state.profitSharing.splitsOf(order.transactionId!).some((s) => s.unfreeze);

function line(type: string, account: string, amount: number, description: string, now: number): SplitLine {
  return {
    type,
    account,
    amount,
    description,
    result: 'PENDING',
    detailId: `3601${randomDigits(19)}`,
    createTime: now,
  };
}

function checkReceivers(ctx: SandboxContext, who: Who, receivers: Body[], names: Record<string, string>): void {
  receivers.forEach((r, i) => {
    const added = ctx.state.profitSharing.receivers.get(merchantKey(who.mchid, who.subMchid, `${r.type}/${r.account}`));
    if (!added) throw invalidRequest(`分账接收方${String(r.account)}未添加，请先调用添加分账接收方接口`);
    const name = names[`/receivers/${i}/name`];
    if (name !== undefined && added.name !== undefined && name !== added.name)
      throw paramError('分账接收方姓名不匹配', 'body');
  });
}

/** POST /v3/profitsharing/orders (names already decrypted by the route, keyed by JSON pointer). */
export function createSplit(ctx: SandboxContext, who: Who, body: Body, names: Record<string, string>): SplitRecord {
  const key = merchantKey(who.mchid, who.subMchid, body.out_order_no as string);
  const request = JSON.stringify([body.transaction_id, body.receivers, body.unfreeze_unsplit, names]);
  const existing = ctx.state.profitSharing.splits.get(key);
  if (existing) {
    if (existing.request !== request) throw invalidRequest('商户分账单号重复，且与之前的请求参数不一致');
    return existing;
  }
  const order = splittableOrder(ctx, who, body.transaction_id as string);
  if (order.tradeState !== 'SUCCESS' && order.tradeState !== 'REFUND') throw invalidRequest('订单未支付，不能分账');
  if (finishedForSplitting(ctx, order)) throw invalidRequest('该笔订单已分账完结，不能再分账');
  if (ctx.state.profitSharing.splitsOf(order.transactionId!).length >= MAX_SPLITS)
    throw invalidRequest('对同一笔订单最多能发起50次分账请求');
  const receivers = body.receivers as Body[];
  checkReceivers(ctx, who, receivers, names);
  const now = ctx.now();
  const lines = receivers.map((r) =>
    line(r.type as string, r.account as string, r.amount as number, r.description as string, now),
  );
  const wanted = lines.reduce((sum, l) => sum + l.amount, 0);
  const left = unsplitAmount(ctx, order);
  if (wanted > left) throw new SandboxApiError(403, 'NOT_ENOUGH', `分账金额不足：剩余待分金额为${left}分`);
  const unfreezeRest = body.unfreeze_unsplit === true;
  if (unfreezeRest && left - wanted > 0) lines.push(line('MERCHANT_ID', who.mchid, left - wanted, '解冻给分账方', now));
  return record(ctx, {
    who,
    order,
    key,
    outOrderNo: body.out_order_no as string,
    lines,
    unfreeze: unfreezeRest,
    request,
  });
}

/** POST /v3/profitsharing/orders/unfreeze: the whole unsplit rest back to the merchant. */
export function unfreeze(ctx: SandboxContext, who: Who, body: Body): SplitRecord {
  const key = merchantKey(who.mchid, who.subMchid, body.out_order_no as string);
  const request = JSON.stringify(['unfreeze', body.transaction_id, body.description]);
  const existing = ctx.state.profitSharing.splits.get(key);
  if (existing) {
    if (existing.request !== request) throw invalidRequest('商户分账单号重复，且与之前的请求参数不一致');
    return existing;
  }
  const order = splittableOrder(ctx, who, body.transaction_id as string);
  if (finishedForSplitting(ctx, order)) throw invalidRequest('该笔订单已分账完结，不能再解冻');
  const left = unsplitAmount(ctx, order);
  if (left === 0) throw invalidRequest('订单剩余待分金额为0，无需解冻');
  const lines = [line('MERCHANT_ID', who.mchid, left, body.description as string, ctx.now())];
  return record(ctx, { who, order, key, outOrderNo: body.out_order_no as string, lines, unfreeze: true, request });
}

interface NewSplit {
  who: Who;
  order: OrderRecord;
  key: string;
  outOrderNo: string;
  lines: SplitLine[];
  unfreeze: boolean;
  request: string;
}

function record(ctx: SandboxContext, n: NewSplit): SplitRecord {
  const now = ctx.now();
  const split: SplitRecord = {
    key: n.key,
    mchid: n.who.mchid,
    ...(n.who.subMchid ? { subMchid: n.who.subMchid } : {}),
    transactionId: n.order.transactionId!,
    outOrderNo: n.outOrderNo,
    orderId: orderId(now),
    state: 'PROCESSING',
    unfreeze: n.unfreeze,
    lines: n.lines,
    request: n.request,
    createTime: now,
  };
  ctx.state.profitSharing.putSplit(split);
  // Processed asynchronously, like the real API; autoRefundMs paces every money-out outcome of the sandbox.
  if (ctx.autoRefundMs >= 0)
    ctx.later(ctx.autoRefundMs, () => {
      if (split.state === 'PROCESSING') finishSplit(ctx, split);
    });
  return split;
}

/** PROCESSING -> FINISHED: every PENDING line SUCCESS (or CLOSED with a reason), and PROFITSHARING.SUCCESS sent. */
export function finishSplit(ctx: SandboxContext, split: SplitRecord, failReason?: string): SplitRecord {
  if (split.state !== 'PROCESSING')
    throw new SandboxApiError(409, 'INVALID_STATE', `Split ${split.outOrderNo} is already ${split.state}`);
  const now = ctx.now();
  for (const l of split.lines) {
    l.result = failReason ? 'CLOSED' : 'SUCCESS';
    if (failReason) l.failReason = failReason;
    l.finishTime = now;
  }
  split.state = 'FINISHED';
  ctx.state.profitSharing.putSplit(split);
  if (!failReason) notifyReceivers(ctx, split);
  return split;
}

export function splitJson(split: SplitRecord): Body {
  return {
    ...(split.subMchid ? { sub_mchid: split.subMchid } : {}),
    transaction_id: split.transactionId,
    out_order_no: split.outOrderNo,
    order_id: split.orderId,
    state: split.state,
    receivers: split.lines.map((l) => ({
      amount: l.amount,
      description: l.description,
      type: l.type,
      account: l.account,
      result: l.result,
      ...(l.failReason ? { fail_reason: l.failReason } : {}),
      detail_id: l.detailId,
      create_time: rfc3339(l.createTime),
      ...(l.finishTime !== undefined ? { finish_time: rfc3339(l.finishTime) } : {}),
    })),
  };
}
