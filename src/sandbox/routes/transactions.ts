// Direct-merchant and partner (service provider) transactions (docs/protocol.md §5): prepay x4, query by
// transaction_id or out_trade_no, and close (204, signed over the empty body).
import { orderNotExist, paramError } from '../api-error.js';
import type { SandboxContext } from '../context.js';
import { refresh } from '../order-times.js';
import { onQuery } from '../codepay.js';
import { closeOrder, prepay, transactionJson } from '../orders.js';
import { requestOrigin } from '../pay-links.js';
import type { RouteDef, RouteRequest } from '../router.js';
import { closeSchema, outTradeNoInPath, prepaySchema, type PrepayKind } from '../schemas.js';
import { orderKey, type OrderRecord } from '../state.js';
import { bodyOf } from '../validate.js';
import { ENDPOINTS, fillPath } from '../../protocol/endpoints.js';

const KINDS: PrepayKind[] = ['jsapi', 'app', 'h5', 'native'];

/** The mchid (and sub_mchid) from the query string, which must name the signing merchant. */
function queryIds(req: RouteRequest, partner: boolean): { mchid: string; subMchid?: string } {
  const mchField = partner ? 'sp_mchid' : 'mchid';
  const mchid = req.query.get(mchField);
  if (!mchid) throw paramError(`${mchField}参数不能为空`, 'query');
  if (mchid !== req.auth!.mchid) throw paramError(`${mchField}与Authorization中的商户号不一致`, 'query', mchid);
  if (!partner) return { mchid };
  const subMchid = req.query.get('sub_mchid');
  if (!subMchid) throw paramError('sub_mchid参数不能为空', 'query');
  return { mchid, subMchid };
}

/** 实名支付 fields are encrypted to WeChat Pay's key, so the request must say which key (docs/protocol.md §7). */
function requireSerialForIdentity(req: RouteRequest, body: Record<string, unknown>): void {
  const payer = body.payer as Record<string, unknown> | undefined;
  if (payer?.identity !== undefined && !req.headers['wechatpay-serial'])
    throw paramError('请求含有加密字段时，HTTP头Wechatpay-Serial必填', 'header');
}

function owned(
  order: OrderRecord | undefined,
  partner: boolean,
  ids: { mchid: string; subMchid?: string },
): OrderRecord {
  if (!order || order.partner !== partner || order.mchid !== ids.mchid || order.subMchid !== ids.subMchid)
    throw orderNotExist();
  return order;
}

function routesFor(partner: boolean): RouteDef[] {
  const prepays: RouteDef[] = KINDS.map((kind) => ({
    method: 'POST',
    path: fillPath(ENDPOINTS.prepay(partner), { kind }),
    auth: 'wechatpay',
    handle: (req, ctx) => {
      const body = bodyOf(req.rawBody, prepaySchema(kind, partner));
      requireSerialForIdentity(req, body);
      return { status: 200, body: prepay(ctx, kind, partner, body, req.auth!, requestOrigin(req.headers)) };
    },
  }));
  const query =
    (
      find: (
        req: RouteRequest,
        ctx: SandboxContext,
        ids: { mchid: string; subMchid?: string },
      ) => OrderRecord | undefined,
    ) =>
    (req: RouteRequest, ctx: SandboxContext) => {
      const ids = queryIds(req, partner);
      const order = refresh(ctx, owned(find(req, ctx, ids), partner, ids));
      return { status: 200, body: transactionJson(onQuery(ctx, order)) };
    };
  return [
    ...prepays,
    {
      method: 'GET',
      path: ENDPOINTS.orderById(partner),
      auth: 'wechatpay',
      handle: query((req, ctx) => ctx.state.orderByTransactionId(req.params.transaction_id!)),
    },
    {
      method: 'GET',
      path: ENDPOINTS.orderByOutTradeNo(partner),
      auth: 'wechatpay',
      handle: query((req, ctx, ids) =>
        ctx.state.orders.get(orderKey(ids.mchid, ids.subMchid, outTradeNoInPath(req.params.out_trade_no!))),
      ),
    },
    {
      method: 'POST',
      path: ENDPOINTS.closeOrder(partner),
      auth: 'wechatpay',
      handle: (req, ctx) => {
        const outTradeNo = outTradeNoInPath(req.params.out_trade_no!);
        const body = bodyOf(req.rawBody, closeSchema(partner));
        const mchid = (partner ? body.sp_mchid : body.mchid) as string;
        if (mchid !== req.auth!.mchid) throw paramError('商户号与Authorization中的商户号不一致', 'body', mchid);
        const ids = { mchid, ...(partner ? { subMchid: body.sub_mchid as string } : {}) };
        closeOrder(ctx, owned(ctx.state.orders.get(orderKey(ids.mchid, ids.subMchid, outTradeNo)), partner, ids));
        return { status: 204 };
      },
    },
  ];
}

export const transactionRoutes: RouteDef[] = [...routesFor(false), ...routesFor(true)];
