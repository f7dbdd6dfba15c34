// Domestic refunds (docs/protocol.md §5): create (idempotent per out_refund_no) and query by out_refund_no
// (partner merchants add ?sub_mchid=).
import { resourceNotExists } from '../api-error.js';
import { createRefund, refundJson } from '../refund-ops.js';
import type { RouteDef } from '../router.js';
import { refundSchema } from '../schemas.js';
import { refundKey } from '../state.js';
import { bodyOf } from '../validate.js';
import { ENDPOINTS } from '../../protocol/endpoints.js';

export const refundRoutes: RouteDef[] = [
  {
    method: 'POST',
    path: ENDPOINTS.refunds,
    auth: 'wechatpay',
    handle: (req, ctx) => ({
      status: 200,
      body: refundJson(createRefund(ctx, bodyOf(req.rawBody, refundSchema), req.auth!)),
    }),
  },
  {
    method: 'GET',
    path: ENDPOINTS.refundByOutRefundNo,
    auth: 'wechatpay',
    handle: (req, ctx) => {
      const sub = req.query.get('sub_mchid') ?? undefined;
      const refund = ctx.state.refunds.get(refundKey(req.auth!.mchid, sub, req.params.out_refund_no!));
      if (!refund) throw resourceNotExists('退款单不存在');
      return { status: 200, body: refundJson(refund) };
    },
  },
];
