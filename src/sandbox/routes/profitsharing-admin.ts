// The control API for profit sharing (no signature): where PROFITSHARING.* notifications go (in production the
// receiver sets that URL on its merchant platform), and a split or return finished now, or failed with a reason.
import { paramError, resourceNotExists } from '../api-error.js';
import { finishSplit, splitJson } from '../profitsharing-ops.js';
import { finishReturn, returnJson } from '../profitsharing-returns.js';
import type { RouteDef, RouteRequest } from '../router.js';
import { NOTIFY_URL } from '../schemas.js';
import { parseBody } from '../validate.js';

/** The documented fail_reason values (docs/protocol.md §15). */
const SPLIT_FAIL = [
  'ACCOUNT_ABNORMAL',
  'NO_RELATION',
  'RECEIVER_HIGH_RISK',
  'RECEIVER_REAL_NAME_NOT_VERIFIED',
  'NO_AUTH',
  'RECEIVER_RECEIPT_LIMIT',
  'PAYER_ACCOUNT_ABNORMAL',
  'INVALID_REQUEST',
];
const RETURN_FAIL = [
  'ACCOUNT_ABNORMAL',
  'BALANCE_NOT_ENOUGH',
  'TIME_OUT_CLOSED',
  'PAYER_ACCOUNT_ABNORMAL',
  'INVALID_REQUEST',
];

function failReason(req: RouteRequest, allowed: readonly string[]): string | undefined {
  const body = req.rawBody.length ? parseBody(req.rawBody) : {};
  const reason = body.fail_reason;
  if (reason === undefined) return undefined;
  if (typeof reason !== 'string' || !allowed.includes(reason))
    throw paramError(`fail_reason must be one of ${allowed.join('|')}`);
  return reason;
}

export const profitSharingAdminRoutes: RouteDef[] = [
  {
    method: 'POST',
    path: '/sandbox/profitsharing/notify-url',
    auth: 'admin',
    handle: (req, ctx) => {
      const url = parseBody(req.rawBody).url;
      if (typeof url !== 'string' || !NOTIFY_URL.test(url)) throw paramError('url must be an http(s) URL');
      ctx.state.profitSharing.notifyUrl = url;
      ctx.state.save();
      return { status: 200, body: { url } };
    },
  },
  {
    method: 'POST',
    path: '/sandbox/profitsharing/orders/{out_order_no}/finish',
    auth: 'admin',
    handle: (req, ctx) => {
      const split = ctx.state.profitSharing.splitByOutOrderNo(req.params.out_order_no!);
      if (!split) throw resourceNotExists('分账单不存在');
      return { status: 200, body: splitJson(finishSplit(ctx, split, failReason(req, SPLIT_FAIL))) };
    },
  },
  {
    method: 'POST',
    path: '/sandbox/profitsharing/returns/{out_return_no}/finish',
    auth: 'admin',
    handle: (req, ctx) => {
      const ret = ctx.state.profitSharing.returnByOutReturnNo(req.params.out_return_no!);
      if (!ret) throw resourceNotExists('回退单不存在');
      return { status: 200, body: returnJson(finishReturn(ctx, ret, failReason(req, RETURN_FAIL))) };
    },
  },
];
