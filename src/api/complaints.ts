// docs/protocol.md §13: consumer complaints (消费者投诉 2.0). List (paged by limit/offset over a date range of at most
// 30 days), detail, negotiation history, reply, complete, refund approval, and the complaint notification URL.
// The detail's payer_phone is RSA-OAEP ciphertext for the MERCHANT's key (api/sensitive.ts decrypts it).
import type { WxpayClient } from '../http/client.js';
import { fillPath } from '../protocol/endpoints.js';

export const COMPLAINT_PATHS = {
  list: '/v3/merchant-service/complaints-v2',
  detail: '/v3/merchant-service/complaints-v2/{complaint_id}',
  history: '/v3/merchant-service/complaints-v2/{complaint_id}/negotiation-historys',
  response: '/v3/merchant-service/complaints-v2/{complaint_id}/response',
  complete: '/v3/merchant-service/complaints-v2/{complaint_id}/complete',
  refundProgress: '/v3/merchant-service/complaints-v2/{complaint_id}/update-refund-progress',
  notifications: '/v3/merchant-service/complaint-notifications',
} as const;

export type ComplaintState = 'PENDING' | 'PROCESSING' | 'PROCESSED';
/** Page sizes as documented: list 1-50 (default 10), history 1-300 (default 100). */
export const LIST_PAGE_MAX = 50;
export const HISTORY_PAGE_MAX = 300;
export const MAX_RANGE_DAYS = 30;
/** WeChat Pay's merchant rules: a first reply within 24 h of the complaint, handled within 72 h. */
export const REPLY_WITHIN_MS = 24 * 3600_000;
export const COMPLETE_WITHIN_MS = 72 * 3600_000;

export interface ComplaintMedia {
  media_type: string;
  media_url: string[];
}

export interface Complaint {
  complaint_id: string;
  complaint_time: string;
  complaint_detail: string;
  /** A ComplaintState; kept open for states WeChat Pay may add. */
  complaint_state: string;
  complainted_mchid: string;
  payer_phone?: string;
  payer_openid?: string;
  complaint_media_list?: ComplaintMedia[];
  complaint_order_info?: Array<{ transaction_id: string; out_trade_no: string; amount: number }>;
  complaint_full_refunded: boolean;
  incoming_user_response: boolean;
  problem_description: string;
  problem_type?: string;
  apply_refund_amount?: number;
  user_complaint_times: number;
  [k: string]: unknown;
}

export interface NegotiationEntry {
  log_id: string;
  operator: string;
  operate_time: string;
  operate_type: string;
  operate_details?: string;
  image_list?: string[];
  complaint_media_list?: ComplaintMedia;
  [k: string]: unknown;
}

export interface Page<T> {
  data?: T[];
  limit: number;
  offset: number;
  total_count?: number;
}

const idPath = (template: string, id: string) => fillPath(template, { complaint_id: id });

/** Reads every page: the offset moves by what came back until total_count (or a short page) says there is no more. */
async function allPages<T>(fetchPage: (offset: number) => Promise<Page<T>>): Promise<T[]> {
  const out: T[] = [];
  for (let offset = 0; ;) {
    const page = await fetchPage(offset);
    const data = page.data ?? [];
    out.push(...data);
    offset += data.length;
    const total = page.total_count ?? Number.POSITIVE_INFINITY;
    if (data.length === 0 || data.length < page.limit || offset >= total) return out;
  }
}

const DAY_MS = 24 * 3600_000;

/** [begin, end] (YYYY-MM-DD) cut into windows of at most 30 days, oldest first: one list query each. */
export function dateWindows(begin: string, end: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let from = Date.parse(begin); from <= Date.parse(end); from += MAX_RANGE_DAYS * DAY_MS) {
    const to = Math.min(from + (MAX_RANGE_DAYS - 1) * DAY_MS, Date.parse(end));
    out.push([new Date(from).toISOString().slice(0, 10), new Date(to).toISOString().slice(0, 10)]);
  }
  return out;
}

export interface ListInput {
  /** YYYY-MM-DD, China time; the range is at most 30 days. */
  beginDate: string;
  endDate: string;
  /** Partner mode: one sub-merchant's complaints (default: all of them). */
  complaintedMchid?: string | undefined;
  pageSize?: number;
}

export function listComplaints(client: WxpayClient, input: ListInput): Promise<Complaint[]> {
  const limit = input.pageSize ?? LIST_PAGE_MAX;
  return allPages(async (offset) => {
    const query = {
      limit,
      offset,
      begin_date: input.beginDate,
      end_date: input.endDate,
      complainted_mchid: input.complaintedMchid,
    };
    return (await client.request({ method: 'GET', path: COMPLAINT_PATHS.list, query })).data as Page<Complaint>;
  });
}

export async function getComplaint(client: WxpayClient, id: string): Promise<Complaint> {
  return (await client.request({ method: 'GET', path: idPath(COMPLAINT_PATHS.detail, id) })).data as Complaint;
}

export function complaintHistory(client: WxpayClient, id: string, pageSize = HISTORY_PAGE_MAX) {
  return allPages<NegotiationEntry>(async (offset) => {
    const path = idPath(COMPLAINT_PATHS.history, id);
    const res = await client.request({ method: 'GET', path, query: { limit: pageSize, offset } });
    return res.data as Page<NegotiationEntry>;
  });
}

export interface ResponseInput {
  complaintedMchid: string;
  text: string;
  /** media_ids from the complaint image upload; at most 4. */
  images?: string[];
  jumpUrl?: string | undefined;
  jumpUrlText?: string | undefined;
}

export const MAX_REPLY_IMAGES = 4;

export function responseBody(input: ResponseInput): Record<string, unknown> {
  return {
    complainted_mchid: input.complaintedMchid,
    response_content: input.text,
    ...(input.images?.length ? { response_images: input.images } : {}),
    ...(input.jumpUrl ? { jump_url: input.jumpUrl } : {}),
    ...(input.jumpUrlText ? { jump_url_text: input.jumpUrlText } : {}),
  };
}

/** 204. Not retried: a second attempt would post the reply twice. */
export async function respondComplaint(client: WxpayClient, id: string, input: ResponseInput): Promise<void> {
  await client.request({ method: 'POST', path: idPath(COMPLAINT_PATHS.response, id), body: responseBody(input) });
}

export async function completeComplaint(client: WxpayClient, id: string, complaintedMchid: string): Promise<void> {
  const path = idPath(COMPLAINT_PATHS.complete, id);
  await client.request({ method: 'POST', path, body: { complainted_mchid: complaintedMchid } });
}

export interface RefundProgressInput {
  action: 'APPROVE' | 'REJECT';
  /** APPROVE: working days until the refund is started (0 = today). */
  launchRefundDay?: number | undefined;
  /** REJECT: required. */
  rejectReason?: string | undefined;
  rejectMediaList?: string[];
  remark?: string | undefined;
}

export function refundProgressBody(input: RefundProgressInput): Record<string, unknown> {
  return {
    action: input.action,
    launch_refund_day: input.launchRefundDay,
    ...(input.rejectReason ? { reject_reason: input.rejectReason } : {}),
    ...(input.rejectMediaList?.length ? { reject_media_list: input.rejectMediaList } : {}),
    ...(input.remark ? { remark: input.remark } : {}),
  };
}

export async function updateRefundProgress(client: WxpayClient, id: string, input: RefundProgressInput) {
  const path = idPath(COMPLAINT_PATHS.refundProgress, id);
  await client.request({ method: 'POST', path, body: refundProgressBody(input) });
}
