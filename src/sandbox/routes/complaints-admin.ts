// The control API's side of complaints: the simulated payer files one against a paid order (docs/protocol.md §13).
import { invalidRequest, orderNotExist, paramError } from '../api-error.js';
import { complaintJson, createComplaint } from '../complaints.js';
import type { RouteDef } from '../router.js';
import { bodyOf, type Schema } from '../validate.js';

const schema: Schema = {
  type: 'object',
  fields: {
    out_trade_no: { type: 'string', required: true, min: 1, max: 32 },
    complaint_id: { type: 'string', pattern: /^\d{27}$/ },
    // A mainland mobile number: what the payer left as contact.
    phone: { type: 'string', required: true, pattern: /^1\d{10}$/ },
    detail: { type: 'string', max: 500 },
    problem_type: { type: 'string', enum: ['REFUND', 'SERVICE_NOT_WORK', 'OTHERS'] },
    apply_refund_amount: { type: 'integer', min: 1 },
    images: { type: 'integer', min: 0, max: 4 },
  },
};

export const complaintAdminRoutes: RouteDef[] = [
  {
    method: 'POST',
    path: '/sandbox/complaints',
    auth: 'admin',
    handle: (req, ctx) => {
      const b = bodyOf(req.rawBody, schema);
      const order = ctx.state.orderByOutTradeNo(b.out_trade_no as string);
      if (!order) throw orderNotExist();
      if (!order.transactionId || (order.tradeState !== 'SUCCESS' && order.tradeState !== 'REFUND'))
        throw invalidRequest('只能投诉已支付的订单');
      const id = b.complaint_id as string | undefined;
      if (id !== undefined && ctx.state.complaints.complaints.has(id)) throw invalidRequest('投诉单号已存在');
      const problemType = (b.problem_type as 'REFUND' | 'SERVICE_NOT_WORK' | 'OTHERS' | undefined) ?? 'OTHERS';
      const refund = b.apply_refund_amount as number | undefined;
      if (refund !== undefined && (problemType !== 'REFUND' || refund > order.total))
        throw paramError('apply_refund_amount: only with problem_type REFUND, at most the order total');
      const c = createComplaint(ctx, {
        id,
        order,
        phone: b.phone as string,
        detail: (b.detail as string | undefined) ?? '商品与描述不符，联系商家未回复',
        problemType,
        applyRefundAmount: refund,
        userImages: (b.images as number | undefined) ?? 1,
      });
      const url = ctx.state.complaints.notifyUrls.get(c.mchid);
      return { status: 200, body: { ...complaintJson(c), notify_url: url ?? null } };
    },
  },
];
