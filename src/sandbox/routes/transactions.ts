// Direct-merchant and partner (service provider) transactions (docs/protocol.md §5): prepay x4, query by
// transaction_id or out_trade_no, and close (204, signed over the empty body).
import { orderNotExist, paramError } from '../api-error.js';
import type { SandboxContext } from '../context.js';
import { closeOrder, prepay, refresh, transactionJson } from '../orders.js';
import type { RouteDef, RouteRequest } from '../router.js';
import { closeSchema, prepaySchema, type PrepayKind } from '../schemas.js';
import { orderKey, type OrderRecord } from '../state.js';
import { bodyOf } from '../validate.js';

const KINDS: PrepayKind[] = ['jsapi', 'app', 'h5', 'native'];

/** The mchid (and sub_mchid) from the query string, which must name the signing merchant. */
function queryIds(req: RouteRequest, partner: boolean): { mchid: string; subMchid?: string } {
  const mchField = partner ? 'sp_mchid' : 'mchid';
  const mchid = req.query.get(mchField);
  if (!mchid) throw paramError(mchField, `${mchField} is required`, 'query', undefined, `${mchField}参数不能为空`);
  if (mchid !== req.auth!.mchid)
    throw paramError(
      mchField,
      `${mchField} differs from the mchid in Authorization`,
      'query',
      mchid,
      `${mchField}与Authorization中的商户号不一致`,
    );
  if (!partner) return { mchid };
  const subMchid = req.query.get('sub_mchid');
  if (!subMchid) throw paramError('sub_mchid', 'sub_mchid is required', 'query', undefined, 'sub_mchid参数不能为空');
  return { mchid, subMchid };
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
  const base = partner ? '/v3/pay/partner/transactions' : '/v3/pay/transactions';
  const prepays: RouteDef[] = KINDS.map((kind) => ({
    method: 'POST',
    path: `${base}/${kind}`,
    auth: 'wechatpay',
    handle: (req, ctx) => ({
      status: 200,
      body: prepay(ctx, kind, partner, bodyOf(req.rawBody, prepaySchema(kind, partner)), req.auth!),
    }),
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
      return { status: 200, body: transactionJson(refresh(ctx, owned(find(req, ctx, ids), partner, ids))) };
    };
  return [
    ...prepays,
    {
      method: 'GET',
      path: `${base}/id/{transaction_id}`,
      auth: 'wechatpay',
      handle: query((req, ctx) => ctx.state.orderByTransactionId(req.params.transaction_id!)),
    },
    {
      method: 'GET',
      path: `${base}/out-trade-no/{out_trade_no}`,
      auth: 'wechatpay',
      handle: query((req, ctx, ids) =>
        ctx.state.orders.get(orderKey(ids.mchid, ids.subMchid, req.params.out_trade_no!)),
      ),
    },
    {
      method: 'POST',
      path: `${base}/out-trade-no/{out_trade_no}/close`,
      auth: 'wechatpay',
      handle: (req, ctx) => {
        const body = bodyOf(req.rawBody, closeSchema(partner));
        const mchid = (partner ? body.sp_mchid : body.mchid) as string;
        const mchField = partner ? '/sp_mchid' : '/mchid';
        if (mchid !== req.auth!.mchid)
          throw paramError(
            mchField,
            'mchid differs from the mchid in Authorization',
            'body',
            mchid,
            '商户号与Authorization中的商户号不一致',
          );
        const ids = { mchid, ...(partner ? { subMchid: body.sub_mchid as string } : {}) };
        closeOrder(
          ctx,
          owned(ctx.state.orders.get(orderKey(ids.mchid, ids.subMchid, req.params.out_trade_no!)), partner, ids),
        );
        return { status: 204 };
      },
    },
  ];
}

export const transactionRoutes: RouteDef[] = [...routesFor(false), ...routesFor(true)];
