// The complaint notification URL (docs/protocol.md §13): one per merchant; POST creates it (refused when one
// exists), PUT replaces it, GET reads it, DELETE removes it. Unset answers 404 RESOURCE_NOT_EXISTS.
import { COMPLAINT_PATHS } from '../../api/complaints.js';
import { invalidRequest, resourceNotExists } from '../api-error.js';
import type { SandboxContext } from '../context.js';
import type { RouteDef, RouteRequest } from '../router.js';
import { bodyOf, type Schema } from '../validate.js';

// Real WeChat Pay takes https only; the sandbox also takes http, like its notify_url, for a local listener.
const urlSchema: Schema = {
  type: 'object',
  fields: { url: { type: 'string', required: true, max: 256, pattern: /^https?:\/\/[^\s?#]+$/, label: '通知地址' } },
};

const path = COMPLAINT_PATHS.notifications;

const current = (req: RouteRequest, ctx: SandboxContext) => {
  const url = ctx.state.complaints.notifyUrls.get(req.auth!.mchid);
  if (url === undefined) throw resourceNotExists('投诉通知回调地址不存在');
  return url;
};

const save = (req: RouteRequest, ctx: SandboxContext) => {
  const url = bodyOf(req.rawBody, urlSchema).url as string;
  ctx.state.complaints.notifyUrls.set(req.auth!.mchid, url);
  ctx.state.save();
  return { status: 200, body: { mchid: req.auth!.mchid, url } };
};

export const complaintNotifyUrlRoutes: RouteDef[] = [
  {
    method: 'GET',
    path,
    auth: 'wechatpay',
    handle: (req, ctx) => ({ status: 200, body: { mchid: req.auth!.mchid, url: current(req, ctx) } }),
  },
  {
    method: 'POST',
    path,
    auth: 'wechatpay',
    handle: (req, ctx) => {
      if (ctx.state.complaints.notifyUrls.has(req.auth!.mchid))
        throw invalidRequest('投诉通知回调地址已存在，请使用更新接口');
      return save(req, ctx);
    },
  },
  { method: 'PUT', path, auth: 'wechatpay', handle: (req, ctx) => (current(req, ctx), save(req, ctx)) },
  {
    method: 'DELETE',
    path,
    auth: 'wechatpay',
    handle: (req, ctx) => {
      current(req, ctx);
      ctx.state.complaints.notifyUrls.delete(req.auth!.mchid);
      ctx.state.save();
      return { status: 204 };
    },
  },
];
