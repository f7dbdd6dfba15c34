// Receivers and returns (docs/protocol.md §15). A receiver is added per merchant (a merchant receiver with its full
// name; CUSTOM relations with custom_relation) and must exist before a split names it. A return takes money a
// merchant receiver got in a finished split back to the sharing merchant: PROCESSING -> SUCCESS | FAILED, never more
// than that receiver got minus earlier returns. Returned money goes to the merchant's balance, not back to unsplit.
import { SandboxApiError, invalidRequest, paramError, resourceNotExists } from './api-error.js';
import type { SandboxContext } from './context.js';
import type { Who } from './profitsharing-ops.js';
import { notifyReturn } from './profitsharing-notify.js';
import { merchantKey, type ReceiverRecord, type ReturnRecord, type SplitRecord } from './profitsharing-store.js';
import { chinaRfc3339 as rfc3339 } from '../protocol/china-time.js';
import { randomDigits } from '../protocol/serials.js';

type Body = Record<string, unknown>;

function checkReceiver(ctx: SandboxContext, who: Who, body: Body, name: string | undefined): void {
  if (body.appid !== ctx.keys.appid) throw paramError('appid与mchid不匹配', 'body', body.appid);
  if (body.type === 'MERCHANT_ID' && body.account === who.mchid) throw invalidRequest('分账接收方不能是分账方自己');
  if (body.type === 'MERCHANT_ID' && name === undefined) throw paramError('接收方类型为商户时，姓名必填', 'body');
  if (body.type === 'PERSONAL_SUB_OPENID' && !body.sub_appid)
    throw paramError('sub_appid is required for PERSONAL_SUB_OPENID', 'body');
  if (body.relation_type === 'CUSTOM' && !body.custom_relation)
    throw paramError('custom_relation is required for CUSTOM', 'body');
}

export function addReceiver(ctx: SandboxContext, who: Who, body: Body, name: string | undefined): ReceiverRecord {
  checkReceiver(ctx, who, body, name);
  const record: ReceiverRecord = {
    key: merchantKey(who.mchid, who.subMchid, `${String(body.type)}/${String(body.account)}`),
    mchid: who.mchid,
    ...(who.subMchid ? { subMchid: who.subMchid } : {}),
    type: body.type as string,
    account: body.account as string,
    ...(name !== undefined ? { name } : {}),
    relationType: body.relation_type as string,
    ...(body.custom_relation ? { customRelation: body.custom_relation as string } : {}),
  };
  ctx.state.profitSharing.putReceiver(record);
  return record;
}

export function deleteReceiver(ctx: SandboxContext, who: Who, body: Body): ReceiverRecord {
  if (body.appid !== ctx.keys.appid) throw paramError('appid与mchid不匹配', 'body', body.appid);
  const key = merchantKey(who.mchid, who.subMchid, `${String(body.type)}/${String(body.account)}`);
  const found = ctx.state.profitSharing.receivers.get(key);
  if (!found) throw resourceNotExists('分账接收方不存在');
  ctx.state.profitSharing.deleteReceiver(key);
  return found;
}

export const receiverJson = (r: ReceiverRecord): Body => ({
  ...(r.subMchid ? { sub_mchid: r.subMchid } : {}),
  type: r.type,
  account: r.account,
  relation_type: r.relationType,
  ...(r.customRelation ? { custom_relation: r.customRelation } : {}),
});

function splitFor(ctx: SandboxContext, who: Who, body: Body): SplitRecord {
  if (body.order_id === undefined && body.out_order_no === undefined)
    throw paramError('order_id和out_order_no必须二选一', 'body');
  const ps = ctx.state.profitSharing;
  const split =
    body.order_id !== undefined
      ? ps.splitByOrderId(body.order_id as string)
      : ps.splits.get(merchantKey(who.mchid, who.subMchid, body.out_order_no as string));
  if (!split || split.mchid !== who.mchid || split.subMchid !== who.subMchid) throw resourceNotExists('分账单不存在');
  return split;
}

/** What a merchant receiver of a split can still give back: what it got minus returns not FAILED. */
function returnable(ctx: SandboxContext, split: SplitRecord, returnMchid: string): number {
  const got = split.lines
    .filter((l) => l.type === 'MERCHANT_ID' && l.account === returnMchid && l.result === 'SUCCESS')
    .reduce((sum, l) => sum + l.amount, 0);
  const back = [...ctx.state.profitSharing.returns.values()]
    .filter((r) => r.splitKey === split.key && r.returnMchid === returnMchid && r.result !== 'FAILED')
    .reduce((sum, r) => sum + r.amount, 0);
  return got - back;
}

export function createReturn(ctx: SandboxContext, who: Who, body: Body): ReturnRecord {
  const key = merchantKey(who.mchid, who.subMchid, body.out_return_no as string);
  const request = JSON.stringify([body.order_id, body.out_order_no, body.return_mchid, body.amount]);
  const existing = ctx.state.profitSharing.returns.get(key);
  if (existing) {
    if (existing.request !== request) throw invalidRequest('商户回退单号重复，且与之前的请求参数不一致');
    return existing;
  }
  const split = splitFor(ctx, who, body);
  const left = returnable(ctx, split, body.return_mchid as string);
  if (left <= 0) throw invalidRequest('回退商户号不是该分账单已成功的分账接收方');
  if ((body.amount as number) > left) throw invalidRequest(`回退金额超过可回退金额${left}分`);
  const now = ctx.now();
  const ret: ReturnRecord = {
    key,
    mchid: who.mchid,
    ...(who.subMchid ? { subMchid: who.subMchid } : {}),
    splitKey: split.key,
    orderId: split.orderId,
    outOrderNo: split.outOrderNo,
    outReturnNo: body.out_return_no as string,
    returnId: `3008${randomDigits(24)}`,
    returnMchid: body.return_mchid as string,
    amount: body.amount as number,
    description: body.description as string,
    result: 'PROCESSING',
    request,
    createTime: now,
  };
  ctx.state.profitSharing.putReturn(ret);
  if (ctx.autoRefundMs >= 0)
    ctx.later(ctx.autoRefundMs, () => {
      if (ret.result === 'PROCESSING') finishReturn(ctx, ret);
    });
  return ret;
}

/** PROCESSING -> SUCCESS (PROFITSHARING.RETURN sent) or FAILED with a documented fail_reason. */
export function finishReturn(ctx: SandboxContext, ret: ReturnRecord, failReason?: string): ReturnRecord {
  if (ret.result !== 'PROCESSING')
    throw new SandboxApiError(409, 'INVALID_STATE', `Return ${ret.outReturnNo} is already ${ret.result}`);
  ret.result = failReason ? 'FAILED' : 'SUCCESS';
  if (failReason) ret.failReason = failReason;
  ret.finishTime = ctx.now();
  ctx.state.profitSharing.putReturn(ret);
  const split = ctx.state.profitSharing.splits.get(ret.splitKey);
  if (!failReason && split) notifyReturn(ctx, ret, split.transactionId);
  return ret;
}

export const returnJson = (r: ReturnRecord): Body => ({
  ...(r.subMchid ? { sub_mchid: r.subMchid } : {}),
  order_id: r.orderId,
  out_order_no: r.outOrderNo,
  out_return_no: r.outReturnNo,
  return_id: r.returnId,
  return_mchid: r.returnMchid,
  amount: r.amount,
  description: r.description,
  result: r.result,
  ...(r.failReason ? { fail_reason: r.failReason } : {}),
  create_time: rfc3339(r.createTime),
  ...(r.finishTime !== undefined ? { finish_time: rfc3339(r.finishTime) } : {}),
});
