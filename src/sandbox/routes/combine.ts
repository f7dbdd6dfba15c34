// Combine payments (合单, docs/protocol.md §17): prepay x4, query by combine_out_trade_no, and close (204, signed
// over the empty body), which closes every sub-order the body names; a paid sub-order refuses the close.
import { COMBINE_PATHS } from '../../api/combine.js';
import { fillPath } from '../../protocol/endpoints.js';
import { SandboxApiError, orderNotExist, paramError } from '../api-error.js';
import { combineJson, combinePrepay, subOrdersOf } from '../combine.js';
import { requestOrigin } from '../pay-links.js';
import { closeOrder } from '../orders.js';
import type { RouteDef, RouteRequest } from '../router.js';
import { combineCloseSchema, combinePrepaySchema } from '../combine-schemas.js';
import { outTradeNoInPath, type PrepayKind } from '../schemas.js';
import type { SandboxContext } from '../context.js';
import { bodyOf } from '../validate.js';

const KINDS: PrepayKind[] = ['jsapi', 'app', 'h5', 'native'];

function combineOrder(req: RouteRequest, ctx: SandboxContext) {
  const subs = subOrdersOf(ctx, req.auth!.mchid, outTradeNoInPath(req.params.combine_out_trade_no!));
  if (!subs.length) throw orderNotExist();
  return subs;
}

function close(req: RouteRequest, ctx: SandboxContext) {
  const subs = combineOrder(req, ctx);
  const body = bodyOf(req.rawBody, combineCloseSchema);
  if (body.combine_appid !== subs[0]!.appid)
    throw new SandboxApiError(400, 'APPID_MCHID_NOT_MATCH', 'combine_appid和mch_id不匹配', {
      field: '/combine_appid',
      value: body.combine_appid,
      location: 'body',
    });
  const named = (body.sub_orders as Array<{ mchid: string; out_trade_no: string }>).map((n) => {
    const sub = subs.find((s) => s.mchid === n.mchid && s.outTradeNo === n.out_trade_no);
    if (!sub) throw paramError(`子单${n.out_trade_no}不属于该合单`, 'body', n.out_trade_no);
    return sub;
  });
  // All or nothing: one paid sub-order refuses the whole close before any sub-order changes.
  if (named.some((s) => s.tradeState === 'SUCCESS' || s.tradeState === 'REFUND'))
    throw new SandboxApiError(400, 'ORDERPAID', '订单已支付，不能关闭');
  for (const s of named) closeOrder(ctx, s);
  return { status: 204 };
}

export const combineRoutes: RouteDef[] = [
  ...KINDS.map((kind): RouteDef => ({
    method: 'POST',
    path: fillPath(COMBINE_PATHS.prepay, { kind }),
    auth: 'wechatpay',
    handle: (req, ctx) => ({
      status: 200,
      body: combinePrepay(
        ctx,
        kind,
        bodyOf(req.rawBody, combinePrepaySchema(kind)),
        req.auth!,
        requestOrigin(req.headers),
      ),
    }),
  })),
  {
    method: 'GET',
    path: COMBINE_PATHS.byOutTradeNo,
    auth: 'wechatpay',
    handle: (req, ctx) => ({ status: 200, body: combineJson(combineOrder(req, ctx)) }),
  },
  { method: 'POST', path: COMBINE_PATHS.close, auth: 'wechatpay', handle: close },
];
