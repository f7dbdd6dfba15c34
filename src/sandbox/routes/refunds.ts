// Domestic refunds (docs/protocol.md §5): create (idempotent per out_refund_no) and query by out_refund_no
// (partner merchants add ?sub_mchid=); the abnormal refund of one that ended ABNORMAL (docs/protocol.md §16).
import { resourceNotExists } from '../api-error.js';
import { abnormalRefundSchema } from '../profitsharing-schemas.js';
import { applyAbnormalRefund } from '../refund-abnormal.js';
import { createRefund, refundJson } from '../refund-ops.js';
import type { RouteDef } from '../router.js';
import { refundSchema } from '../schemas.js';
import { refundKey } from '../state.js';
import { decryptSensitive } from '../sensitive.js';
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
  {
    method: 'POST',
    path: ENDPOINTS.abnormalRefund,
    auth: 'wechatpay',
    handle: (req, ctx) => {
      const body = bodyOf(req.rawBody, abnormalRefundSchema);
      const plain = decryptSensitive(ctx, req.headers, {
        '/bank_account': body.bank_account,
        '/real_name': body.real_name,
      });
      const refund = applyAbnormalRefund(ctx, req.auth!.mchid, req.params.refund_id!, body, plain);
      return { status: 200, body: refundJson(refund) };
    },
  },
];
