// Payment code (docs/protocol.md §18): submit (200 paid, 202 USERPAYING) and reverse (204, signed over the empty
// body). The order query is the ordinary one in transactions.ts.
import { ENDPOINTS } from '../../protocol/endpoints.js';
import { orderNotExist, paramError } from '../api-error.js';
import { codepay, codepaySchema, reverse, reverseSchema } from '../codepay.js';
import { checkMerchantIds } from '../orders.js';
import type { RouteDef } from '../router.js';
import { outTradeNoInPath } from '../schemas.js';
import { orderKey } from '../state.js';
import { bodyOf } from '../validate.js';

export const codepayRoutes: RouteDef[] = [
  {
    method: 'POST',
    path: ENDPOINTS.codepay,
    auth: 'wechatpay',
    handle: (req, ctx) => codepay(ctx, bodyOf(req.rawBody, codepaySchema), req.auth!),
  },
  {
    method: 'POST',
    path: ENDPOINTS.reverseOrder,
    auth: 'wechatpay',
    handle: (req, ctx) => {
      const outTradeNo = outTradeNoInPath(req.params.out_trade_no!);
      const body = bodyOf(req.rawBody, reverseSchema);
      checkMerchantIds(ctx, body, false, req.auth!);
      const order = ctx.state.orders.get(orderKey(req.auth!.mchid, undefined, outTradeNo));
      if (!order) throw orderNotExist();
      if (order.appid !== body.appid) throw paramError('appid与订单不一致', 'body', body.appid);
      reverse(ctx, order);
      return { status: 204 };
    },
  },
];
