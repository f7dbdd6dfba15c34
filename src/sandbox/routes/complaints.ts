// Consumer complaints (docs/protocol.md §13): list by date range with limit/offset, detail, negotiation history,
// reply, complete, refund approval, and the notification URL (one per merchant: POST creates, PUT replaces).
import { COMPLAINT_PATHS, LIST_PAGE_MAX, HISTORY_PAGE_MAX, MAX_RANGE_DAYS } from '../../api/complaints.js';
import { paramError, resourceNotExists } from '../api-error.js';
import type { ComplaintRecord } from '../complaint-book.js';
import { complaintJson, complete, historyJson, refundDecision, respond } from '../complaints.js';
import type { SandboxContext } from '../context.js';
import type { RouteDef, RouteRequest } from '../router.js';
import { chinaRfc3339 } from '../../protocol/china-time.js';
import { bodyOf, type Schema } from '../validate.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 24 * 3600_000;

function intQuery(req: RouteRequest, name: string, min: number, max: number, fallback: number): number {
  const raw = req.query.get(name);
  if (raw === null) return fallback;
  const n = /^\d{1,9}$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= min && n <= max)) throw paramError(`输入源“/query/${name}”应在${min}到${max}之间`, 'query', raw);
  return n;
}

function dateQuery(req: RouteRequest, name: string): string {
  const v = req.query.get(name);
  if (v === null) throw paramError(`输入源“/query/${name}”缺少必填参数`, 'query');
  if (!DATE.test(v) || Number.isNaN(Date.parse(v)))
    throw paramError(`输入源“/query/${name}”格式应为YYYY-MM-DD`, 'query', v);
  return v;
}

function page<T>(req: RouteRequest, all: T[], maxLimit: number, defaultLimit: number) {
  const limit = intQuery(req, 'limit', 1, maxLimit, defaultLimit);
  const offset = intQuery(req, 'offset', 0, 1e9, 0);
  return { data: all.slice(offset, offset + limit), limit, offset, total_count: all.length };
}

/** The complaint, if it is against the caller; someone else's answers as unknown. */
function complaintOf(req: RouteRequest, ctx: SandboxContext): ComplaintRecord {
  const c = ctx.state.complaints.complaints.get(req.params.complaint_id!);
  if (!c || c.mchid !== req.auth!.mchid) throw resourceNotExists('投诉单不存在');
  return c;
}

function checkMchid(req: RouteRequest, body: Record<string, unknown>): void {
  if (body.complainted_mchid !== req.auth!.mchid)
    throw paramError('被诉商户号complainted_mchid与调用商户不一致', 'body', body.complainted_mchid);
}

const MEDIA_IDS: Schema = { type: 'array', items: { type: 'string', min: 1, max: 512 }, maxItems: 4 };
const responseSchema: Schema = {
  type: 'object',
  fields: {
    complainted_mchid: { type: 'string', required: true, max: 64 },
    response_content: { type: 'string', required: true, min: 1, max: 200, label: '回复内容' },
    response_images: MEDIA_IDS,
    jump_url: { type: 'string', max: 512, pattern: /^https:\/\/\S+$/, label: '跳转链接' },
    jump_url_text: { type: 'string', max: 64 },
  },
};
const completeSchema: Schema = { type: 'object', fields: { complainted_mchid: { type: 'string', required: true } } };
const refundSchema: Schema = {
  type: 'object',
  fields: {
    action: { type: 'string', required: true, enum: ['APPROVE', 'REJECT'] },
    launch_refund_day: { type: 'integer', min: 0, max: 30 },
    reject_reason: { type: 'string', max: 200 },
    reject_media_list: MEDIA_IDS,
    remark: { type: 'string', max: 200 },
  },
};

/** Reply images must be media_ids from the complaint image upload. */
function replySlots(ctx: SandboxContext, ids: unknown): string[] {
  return ((ids as string[] | undefined) ?? []).map((id, i) => {
    const m = ctx.state.complaints.media.get(id);
    if (!m || m.purpose !== 'complaint')
      throw paramError('图片media_id无效，请通过商户上传反馈图片接口获取', 'body', id);
    return m.slot;
  });
}

export const complaintRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: COMPLAINT_PATHS.list,
    auth: 'wechatpay',
    handle: (req, ctx) => {
      const begin = dateQuery(req, 'begin_date');
      const end = dateQuery(req, 'end_date');
      const span = (Date.parse(end) - Date.parse(begin)) / DAY_MS;
      if (span < 0) throw paramError('结束日期end_date不能早于开始日期begin_date', 'query', end);
      if (span > MAX_RANGE_DAYS) throw paramError('查询日期跨度不能超过30天', 'query', end);
      const sub = req.query.get('complainted_mchid');
      if (sub !== null && sub !== req.auth!.mchid)
        throw paramError('被诉商户号complainted_mchid与调用商户不一致', 'query', sub);
      const all = [...ctx.state.complaints.complaints.values()]
        .filter((c) => c.mchid === req.auth!.mchid)
        .filter((c) => chinaRfc3339(c.time).slice(0, 10) >= begin && chinaRfc3339(c.time).slice(0, 10) <= end)
        .sort((a, b) => a.time - b.time);
      const p = page(req, all, LIST_PAGE_MAX, 10);
      return { status: 200, body: { ...p, data: p.data.map(complaintJson) } };
    },
  },
  {
    method: 'GET',
    path: COMPLAINT_PATHS.detail,
    auth: 'wechatpay',
    handle: (req, ctx) => ({ status: 200, body: complaintJson(complaintOf(req, ctx)) }),
  },
  {
    method: 'GET',
    path: COMPLAINT_PATHS.history,
    auth: 'wechatpay',
    handle: (req, ctx) => {
      const p = page(req, complaintOf(req, ctx).history, HISTORY_PAGE_MAX, 100);
      return { status: 200, body: { ...p, data: p.data.map(historyJson) } };
    },
  },
  {
    method: 'POST',
    path: COMPLAINT_PATHS.response,
    auth: 'wechatpay',
    handle: (req, ctx) => {
      const body = bodyOf(req.rawBody, responseSchema);
      checkMchid(req, body);
      const c = complaintOf(req, ctx);
      respond(ctx, c, body.response_content as string, replySlots(ctx, body.response_images));
      return { status: 204 };
    },
  },
  {
    method: 'POST',
    path: COMPLAINT_PATHS.complete,
    auth: 'wechatpay',
    handle: (req, ctx) => {
      checkMchid(req, bodyOf(req.rawBody, completeSchema));
      complete(ctx, complaintOf(req, ctx));
      return { status: 204 };
    },
  },
  {
    method: 'POST',
    path: COMPLAINT_PATHS.refundProgress,
    auth: 'wechatpay',
    handle: (req, ctx) => {
      const body = bodyOf(req.rawBody, refundSchema);
      const approve = body.action === 'APPROVE';
      if (!approve && !body.reject_reason) throw paramError('拒绝退款时须填写拒绝原因');
      const details = approve
        ? `预计${Number(body.launch_refund_day ?? 0)}个工作日内发起退款`
        : String(body.reject_reason);
      refundDecision(ctx, complaintOf(req, ctx), approve, details);
      return { status: 204 };
    },
  },
];
