// Complaints in the sandbox (docs/protocol.md §13): created by the admin API for a paid order, with the payer's
// phone encrypted for the merchant's key; the state machine PENDING -> PROCESSING (the merchant replied) ->
// PROCESSED (the merchant completed it), a negotiation history entry per step, and COMPLAINT.CREATE /
// COMPLAINT.STATE_CHANGE notifications to the URL registered through /v3/merchant-service/complaint-notifications.
import { randomBytes } from 'node:crypto';
import { MEDIA_PATHS } from '../api/media.js';
import { fillPath } from '../protocol/endpoints.js';
import { DEFAULT_BASE_URL } from '../protocol/hosts.js';
import { oaepEncrypt } from '../protocol/oaep.js';
import { invalidRequest } from './api-error.js';
import type { ComplaintRecord, HistoryRecord, MediaRecord } from './complaint-book.js';
import type { SandboxContext } from './context.js';
import { chinaRfc3339 } from '../protocol/china-time.js';
import { newWechatIds } from '../protocol/ids.js';
import { randomDigits } from '../protocol/serials.js';
import type { OrderRecord } from './state.js';

/** What the real API returns as media_url: WeChat Pay's host; the client signs only the path. */
export const mediaUrl = (slot: string) => `${DEFAULT_BASE_URL}${fillPath(MEDIA_PATHS.download, { media_slot: slot })}`;

export function storeMedia(ctx: SandboxContext, m: Omit<MediaRecord, 'slot'>, slot?: string): MediaRecord {
  const record = { ...m, slot: slot ?? randomBytes(18).toString('base64url') };
  ctx.state.complaints.putMedia(record);
  ctx.state.save();
  return record;
}

// What the simulated payer attaches: the same 1x1 PNG every time.
const USER_IMAGE = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

export interface NewComplaint {
  /** Chosen by the caller (a script, the README) or made up. */
  id?: string | undefined;
  order: OrderRecord;
  phone: string;
  detail: string;
  problemType: ComplaintRecord['problemType'];
  applyRefundAmount?: number | undefined;
  userImages: number;
}

export function createComplaint(ctx: SandboxContext, input: NewComplaint): ComplaintRecord {
  const now = ctx.now();
  const id = input.id ?? newWechatIds.complaintId(now);
  // Payer images live at <complaint_id>-<n>, so a script that chose the id can fetch them (a sandbox choice).
  const userImages = Array.from({ length: input.userImages }, (_v, i) =>
    storeMedia(
      ctx,
      {
        mediaId: `USER${randomDigits(28)}`,
        purpose: 'user',
        filename: `complaint-${i + 1}.png`,
        contentType: 'image/png',
        data: USER_IMAGE.toString('base64'),
      },
      `${id}-${i + 1}`,
    ),
  );
  const { order } = input;
  const c: ComplaintRecord = {
    id,
    mchid: order.mchid,
    time: now,
    detail: input.detail,
    state: 'PENDING',
    phoneCipher: oaepEncrypt(ctx.keys.merchantPublicKey, input.phone),
    openid: order.payer?.openid ?? order.payer?.sp_openid ?? `oUpF8uMuAJO_M2pxb1Q9zNjWeS6o${randomDigits(4)}`,
    orders: [{ transaction_id: order.transactionId!, out_trade_no: order.outTradeNo, amount: order.total }],
    problemType: input.problemType,
    problemDescription: input.problemType === 'REFUND' ? '申请退款' : '不满意商家服务',
    ...(input.applyRefundAmount !== undefined ? { applyRefundAmount: input.applyRefundAmount } : {}),
    userComplaintTimes: 1,
    incomingUserResponse: false,
    fullRefunded: false,
    userImages: userImages.map((m) => m.slot),
    history: [],
  };
  ctx.state.complaints.complaints.set(c.id, c);
  step(ctx, c, { type: 'USER_CREATE_COMPLAINT', operator: '投诉人', details: c.detail, images: c.userImages });
  notifyComplaint(ctx, c, 'COMPLAINT.CREATE', 'CREATE_COMPLAINT');
  return c;
}

function step(ctx: SandboxContext, c: ComplaintRecord, h: Omit<HistoryRecord, 'logId' | 'time'>): void {
  c.history.push({ logId: newWechatIds.complaintLogId(ctx.now()), time: ctx.now(), ...h });
  ctx.state.save();
}

/** Sent only when the merchant registered a URL, as on the real platform. */
function notifyComplaint(ctx: SandboxContext, c: ComplaintRecord, eventType: string, actionType: string): void {
  const url = ctx.state.complaints.notifyUrls.get(c.mchid);
  if (!url) return;
  ctx.notifier.send(
    url,
    eventType,
    'complaint',
    { complaint_id: c.id, action_type: actionType },
    { complaintId: c.id },
  );
}

const closed = () => invalidRequest('投诉单已处理完成，不能再操作');

export function respond(ctx: SandboxContext, c: ComplaintRecord, text: string, imageSlots: string[]): void {
  if (c.state === 'PROCESSED') throw closed();
  step(ctx, c, { type: 'MERCHANT_RESPONSE', operator: '商户', details: text, images: imageSlots });
  c.state = 'PROCESSING';
  c.incomingUserResponse = false;
  ctx.state.save();
  notifyComplaint(ctx, c, 'COMPLAINT.STATE_CHANGE', 'MERCHANT_RESPONSE');
}

export function complete(ctx: SandboxContext, c: ComplaintRecord): void {
  if (c.state === 'PROCESSED') throw closed();
  if (c.state === 'PENDING') throw invalidRequest('投诉单尚未回复用户，请先回复再反馈处理完成');
  step(ctx, c, { type: 'MERCHANT_CONFIRM_COMPLETE', operator: '商户', details: '商户反馈处理完成' });
  c.state = 'PROCESSED';
  ctx.state.save();
  notifyComplaint(ctx, c, 'COMPLAINT.STATE_CHANGE', 'MERCHANT_CONFIRM_COMPLETE');
}

export function refundDecision(ctx: SandboxContext, c: ComplaintRecord, approve: boolean, details: string): void {
  if (c.state === 'PROCESSED') throw closed();
  if (c.problemType !== 'REFUND') throw invalidRequest('该投诉单不是申请退款类型，不能更新退款审批结果');
  // The history names a refusal MERCHANT_REFUSE_RERUND (sic), as WeChat Pay documents it.
  step(ctx, c, { type: approve ? 'MERCHANT_APPROVE_REFUND' : 'MERCHANT_REFUSE_RERUND', operator: '商户', details });
  c.state = 'PROCESSING';
  ctx.state.save();
  const action = approve ? 'MERCHANT_APPROVE_REFUND' : 'MERCHANT_REJECT_REFUND';
  notifyComplaint(ctx, c, 'COMPLAINT.STATE_CHANGE', action);
}

export function complaintJson(c: ComplaintRecord): Record<string, unknown> {
  return {
    complaint_id: c.id,
    complaint_time: chinaRfc3339(c.time),
    complaint_detail: c.detail,
    complaint_state: c.state,
    complainted_mchid: c.mchid,
    payer_phone: c.phoneCipher,
    payer_openid: c.openid,
    complaint_media_list: c.userImages.length
      ? [{ media_type: 'USER_COMPLAINT_IMAGE', media_url: c.userImages.map(mediaUrl) }]
      : [],
    complaint_order_info: c.orders,
    complaint_full_refunded: c.fullRefunded,
    incoming_user_response: c.incomingUserResponse,
    problem_description: c.problemDescription,
    problem_type: c.problemType,
    apply_refund_amount: c.applyRefundAmount,
    user_complaint_times: c.userComplaintTimes,
    user_tag_list: [],
    in_platform_service: false,
    need_immediate_service: false,
  };
}

export function historyJson(h: HistoryRecord): Record<string, unknown> {
  const images = (h.images ?? []).map(mediaUrl);
  return {
    log_id: h.logId,
    operator: h.operator,
    operate_time: chinaRfc3339(h.time),
    operate_type: h.type,
    operate_details: h.details ?? '',
    image_list: images,
    complaint_media_list: {
      media_type: h.operator === '商户' ? 'OPERATION_IMAGE' : 'USER_COMPLAINT_IMAGE',
      media_url: images,
    },
  };
}
