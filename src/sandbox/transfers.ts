// Merchant transfers in the sandbox (docs/protocol.md §12). A new bill is ACCEPTED, locks funds (PROCESSING) and waits
// for the payee (WAIT_USER_CONFIRM, with the package_info the confirm page needs). The simulated payee confirms
// (TRANSFERING → SUCCESS) or refuses (FAIL), the merchant may cancel before that (CANCELING → CANCELLED), and every
// final state sends MCHTRANSFER.BILL.FINISHED to the bill's notify_url.
import { randomBytes } from 'node:crypto';
import { oaepEncrypt } from '../protocol/oaep.js';
import { SandboxApiError, invalidRequest } from './api-error.js';
import type { SandboxContext } from './context.js';
import type { RouteRequest } from './router.js';
import { decryptSensitive } from './sensitive.js';
import { chinaRfc3339 } from '../protocol/china-time.js';
import { newIds } from './state.js';
import { FINAL_TRANSFER_STATES, type TransferRecord, type TransferState } from './transfer-types.js';
import { checkPayeeName, checkScene, transferSchema } from './transfer-rules.js';
import { bodyOf } from './validate.js';

type Body = Record<string, unknown>;

export const transferKey = (mchid: string, outBillNo: string) => `${mchid}/${outBillNo}`;

function move(ctx: SandboxContext, t: TransferRecord, state: TransferState): void {
  const at = ctx.now();
  t.state = state;
  t.updateTime = at;
  t.history.push({ state, at });
}

export function createTransfer(ctx: SandboxContext, req: RouteRequest): TransferRecord {
  const body = bodyOf(req.rawBody, transferSchema);
  const mchid = req.auth!.mchid;
  const { user_name: _cipher, ...rest } = body;
  const request = JSON.stringify(rest);
  const key = transferKey(mchid, body.out_bill_no as string);
  const existing = ctx.state.transfers.get(key);
  if (existing) {
    if (existing.request !== request) throw invalidRequest('商户单号重复，且与之前的请求参数不一致');
    return existing;
  }
  if (body.appid !== ctx.keys.appid) throw invalidRequest('APPID不存在');
  checkScene(body);
  const amount = body.transfer_amount as number;
  const name = decryptSensitive(ctx, req.headers, { '/user_name': body.user_name })['/user_name'];
  checkPayeeName(amount, name !== undefined);
  const now = ctx.now();
  const t: TransferRecord = {
    key,
    mchid,
    appid: body.appid as string,
    outBillNo: body.out_bill_no as string,
    transferBillNo: newIds.transferBillNo(now),
    state: 'ACCEPTED',
    amount,
    remark: body.transfer_remark as string,
    openid: body.openid as string,
    sceneId: body.transfer_scene_id as string,
    packageInfo: randomBytes(48).toString('base64'),
    request,
    createTime: now,
    updateTime: now,
    history: [{ state: 'ACCEPTED', at: now }],
    ...(name !== undefined ? { userName: name } : {}),
    ...(body.notify_url !== undefined ? { notifyUrl: body.notify_url as string } : {}),
  };
  move(ctx, t, 'PROCESSING');
  move(ctx, t, 'WAIT_USER_CONFIRM');
  ctx.state.putTransfer(t);
  return t;
}

/** Moves a bill to a final state and sends MCHTRANSFER.BILL.FINISHED. */
export function finishTransfer(ctx: SandboxContext, t: TransferRecord, state: TransferState, failReason?: string) {
  move(ctx, t, state);
  if (failReason !== undefined) t.failReason = failReason;
  ctx.state.putTransfer(t);
  if (t.notifyUrl) {
    ctx.notifier.send(t.notifyUrl, 'MCHTRANSFER.BILL.FINISHED', 'mch_payment', transferNotificationJson(t), {
      outBillNo: t.outBillNo,
    });
  }
  return t;
}

const wrongState = (t: TransferRecord, action: string) =>
  new SandboxApiError(400, 'INVALID_REQUEST', `转账单状态为${t.state}，不能${action}`);

/** The simulated payee confirms on the confirm page: TRANSFERING, then SUCCESS. */
export function confirmTransfer(ctx: SandboxContext, t: TransferRecord): TransferRecord {
  if (t.state !== 'WAIT_USER_CONFIRM') throw wrongState(t, '确认收款');
  move(ctx, t, 'TRANSFERING');
  return finishTransfer(ctx, t, 'SUCCESS');
}

/** The payee refuses on the confirm page: FAIL. */
export function refuseTransfer(ctx: SandboxContext, t: TransferRecord, reason: string): TransferRecord {
  if (t.state !== 'WAIT_USER_CONFIRM') throw wrongState(t, '拒绝收款');
  return finishTransfer(ctx, t, 'FAIL', reason);
}

/** The payee refuses, or the admin forces a failure with a reason: FAIL from any state before a final one. */
export function failTransfer(ctx: SandboxContext, t: TransferRecord, reason: string): TransferRecord {
  if (FINAL_TRANSFER_STATES.includes(t.state) || t.state === 'CANCELING') throw wrongState(t, '置为失败');
  return finishTransfer(ctx, t, 'FAIL', reason);
}

/** The merchant cancels before the payee confirmed: CANCELING now, CANCELLED a moment later. Repeats are harmless. */
export function cancelTransfer(ctx: SandboxContext, t: TransferRecord): TransferRecord {
  if (t.state === 'CANCELING' || t.state === 'CANCELLED') return t;
  if (!['ACCEPTED', 'PROCESSING', 'WAIT_USER_CONFIRM'].includes(t.state)) throw wrongState(t, '撤销');
  move(ctx, t, 'CANCELING');
  ctx.state.putTransfer(t);
  ctx.later(0, () => {
    if (t.state === 'CANCELING') finishTransfer(ctx, t, 'CANCELLED');
  });
  return t;
}

export function createAnswer(t: TransferRecord): Body {
  return {
    out_bill_no: t.outBillNo,
    transfer_bill_no: t.transferBillNo,
    create_time: chinaRfc3339(t.createTime),
    state: t.state,
    ...(t.state === 'WAIT_USER_CONFIRM' ? { package_info: t.packageInfo } : {}),
    ...(t.failReason ? { fail_reason: t.failReason } : {}),
  };
}

/** The query answer; user_name is encrypted to the merchant's API certificate, as WeChat Pay answers it. */
export function transferJson(ctx: SandboxContext, t: TransferRecord): Body {
  return {
    mch_id: t.mchid,
    out_bill_no: t.outBillNo,
    transfer_bill_no: t.transferBillNo,
    appid: t.appid,
    state: t.state,
    transfer_amount: t.amount,
    transfer_remark: t.remark,
    ...(t.failReason ? { fail_reason: t.failReason } : {}),
    openid: t.openid,
    ...(t.userName !== undefined ? { user_name: oaepEncrypt(ctx.keys.merchantPublicKey, t.userName) } : {}),
    create_time: chinaRfc3339(t.createTime),
    update_time: chinaRfc3339(t.updateTime),
  };
}

export const cancelAnswer = (t: TransferRecord): Body => ({
  out_bill_no: t.outBillNo,
  transfer_bill_no: t.transferBillNo,
  state: t.state,
  update_time: chinaRfc3339(t.updateTime),
});

export function transferNotificationJson(t: TransferRecord): Body {
  return {
    mchid: t.mchid,
    out_bill_no: t.outBillNo,
    transfer_bill_no: t.transferBillNo,
    state: t.state,
    transfer_amount: t.amount,
    ...(t.failReason ? { fail_reason: t.failReason } : {}),
    openid: t.openid,
    create_time: chinaRfc3339(t.createTime),
    update_time: chinaRfc3339(t.updateTime),
  };
}
