// Profit sharing (docs/protocol.md §15) on the path templates of api/profitsharing.ts: split, query, unfreeze, unsplit
// amount, returns, receivers. Receiver names are decrypted with the key named by Wechatpay-Serial (sensitive.ts).
import { PROFITSHARING_PATHS } from '../../api/profitsharing.js';
import { paramError, resourceNotExists } from '../api-error.js';
import { createSplit, splitJson, splittableOrder, unfreeze, unsplitAmount, type Who } from '../profitsharing-ops.js';
import { addReceiver, createReturn, deleteReceiver, receiverJson, returnJson } from '../profitsharing-returns.js';
import {
  addReceiverSchema,
  deleteReceiverSchema,
  returnSchema,
  splitSchema,
  unfreezeSchema,
} from '../profitsharing-schemas.js';
import { merchantKey } from '../profitsharing-store.js';
import type { RouteDef, RouteRequest } from '../router.js';
import { decryptSensitive } from '../sensitive.js';
import { bodyOf } from '../validate.js';
import { applyForBill } from './bills.js';

const P = PROFITSHARING_PATHS;
const whoOf = (req: RouteRequest, subMchid: unknown): Who => ({
  mchid: req.auth!.mchid,
  ...(typeof subMchid === 'string' && subMchid ? { subMchid } : {}),
});
const requiredQuery = (req: RouteRequest, name: string): string => {
  const v = req.query.get(name);
  if (!v) throw paramError(`${name}为必填参数`, 'query');
  return v;
};

export const profitSharingRoutes: RouteDef[] = [
  {
    method: 'POST',
    path: P.orders,
    auth: 'wechatpay',
    handle: (req, ctx) => {
      const body = bodyOf(req.rawBody, splitSchema);
      const receivers = body.receivers as Array<{ name?: string }>;
      const names = decryptSensitive(
        ctx,
        req.headers,
        Object.fromEntries(receivers.map((r, i) => [`/receivers/${i}/name`, r.name])),
      );
      return { status: 200, body: splitJson(createSplit(ctx, whoOf(req, body.sub_mchid), body, names)) };
    },
  },
  {
    method: 'GET',
    path: P.order,
    auth: 'wechatpay',
    handle: (req, ctx) => {
      const transactionId = requiredQuery(req, 'transaction_id');
      const who = whoOf(req, req.query.get('sub_mchid'));
      const split = ctx.state.profitSharing.splits.get(merchantKey(who.mchid, who.subMchid, req.params.out_order_no!));
      if (!split || split.transactionId !== transactionId) throw resourceNotExists('分账单不存在');
      return { status: 200, body: splitJson(split) };
    },
  },
  {
    method: 'POST',
    path: P.unfreeze,
    auth: 'wechatpay',
    handle: (req, ctx) => {
      const body = bodyOf(req.rawBody, unfreezeSchema);
      return { status: 200, body: splitJson(unfreeze(ctx, whoOf(req, body.sub_mchid), body)) };
    },
  },
  {
    method: 'GET',
    path: P.amounts,
    auth: 'wechatpay',
    handle: (req, ctx) => {
      const order = splittableOrder(ctx, whoOf(req, undefined), req.params.transaction_id!, true);
      return { status: 200, body: { transaction_id: order.transactionId, unsplit_amount: unsplitAmount(ctx, order) } };
    },
  },
  {
    method: 'POST',
    path: P.returns,
    auth: 'wechatpay',
    handle: (req, ctx) => {
      const body = bodyOf(req.rawBody, returnSchema);
      return { status: 200, body: returnJson(createReturn(ctx, whoOf(req, body.sub_mchid), body)) };
    },
  },
  {
    method: 'GET',
    path: P.return,
    auth: 'wechatpay',
    handle: (req, ctx) => {
      const outOrderNo = requiredQuery(req, 'out_order_no');
      const who = whoOf(req, req.query.get('sub_mchid'));
      const ret = ctx.state.profitSharing.returns.get(merchantKey(who.mchid, who.subMchid, req.params.out_return_no!));
      if (!ret || ret.outOrderNo !== outOrderNo) throw resourceNotExists('回退单不存在');
      return { status: 200, body: returnJson(ret) };
    },
  },
  {
    method: 'POST',
    path: P.receiversAdd,
    auth: 'wechatpay',
    handle: (req, ctx) => {
      const body = bodyOf(req.rawBody, addReceiverSchema);
      const { '/name': name } = decryptSensitive(ctx, req.headers, { '/name': body.name });
      return { status: 200, body: receiverJson(addReceiver(ctx, whoOf(req, body.sub_mchid), body, name)) };
    },
  },
  {
    method: 'POST',
    path: P.receiversDelete,
    auth: 'wechatpay',
    handle: (req, ctx) => {
      const body = bodyOf(req.rawBody, deleteReceiverSchema);
      const { type, account, sub_mchid } = receiverJson(deleteReceiver(ctx, whoOf(req, body.sub_mchid), body));
      return { status: 200, body: { ...(sub_mchid ? { sub_mchid } : {}), type, account } };
    },
  },
  { method: 'GET', path: P.bills, auth: 'wechatpay', handle: (req, ctx) => applyForBill(req, ctx, 'profitsharing') },
];
