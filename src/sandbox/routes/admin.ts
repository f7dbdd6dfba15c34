// The sandbox control API under /sandbox (no WeChat Pay signature): the simulated payer, refund outcomes,
// delivered notifications, fault injection, certificate rotation, clock skew, stats and state.
import { clearFaults, clockView, rotatePlatformKey, setClockOffset, setFaults, setTimeScale } from '../admin-ops.js';
import { SandboxApiError, orderNotExist, paramError, resourceNotExists } from '../api-error.js';
import { combineForAdmin, payCombine } from '../combine.js';
import { failOrder, payOrder, transactionJson } from '../orders.js';
import { finishRefund, refundJson } from '../refund-ops.js';
import type { RouteDef, RouteRequest } from '../router.js';
import { parseBody } from '../validate.js';

const optionalBody = (req: RouteRequest): Record<string, unknown> => (req.rawBody.length ? parseBody(req.rawBody) : {});

export const adminRoutes: RouteDef[] = [
  {
    method: 'POST',
    path: '/sandbox/orders/{out_trade_no}/pay',
    auth: 'admin',
    handle: (req, ctx) => {
      // A combine order (or one of its sub-orders) is paid whole, as the payer pays it.
      const combine = combineForAdmin(ctx, req.params.out_trade_no!);
      if (combine) return { status: 200, body: payCombine(ctx, combine) };
      const order = ctx.state.orderByOutTradeNo(req.params.out_trade_no!);
      if (!order) throw orderNotExist();
      return { status: 200, body: transactionJson(payOrder(ctx, order)) };
    },
  },
  {
    method: 'POST',
    path: '/sandbox/orders/{out_trade_no}/fail',
    auth: 'admin',
    handle: (req, ctx) => {
      const order = ctx.state.orderByOutTradeNo(req.params.out_trade_no!);
      if (!order) throw orderNotExist();
      return { status: 200, body: transactionJson(failOrder(ctx, order)) };
    },
  },
  {
    method: 'POST',
    path: '/sandbox/refunds/{out_refund_no}/complete',
    auth: 'admin',
    handle: (req, ctx) => {
      const refund = ctx.state.refundByOutRefundNo(req.params.out_refund_no!);
      if (!refund) throw resourceNotExists('退款单不存在');
      return { status: 200, body: refundJson(finishRefund(ctx, refund, 'SUCCESS')) };
    },
  },
  {
    method: 'POST',
    path: '/sandbox/refunds/{out_refund_no}/fail',
    auth: 'admin',
    handle: (req, ctx) => {
      const status = optionalBody(req).status ?? 'ABNORMAL';
      if (status !== 'ABNORMAL' && status !== 'CLOSED') throw paramError('status must be ABNORMAL or CLOSED');
      const refund = ctx.state.refundByOutRefundNo(req.params.out_refund_no!);
      if (!refund) throw resourceNotExists('退款单不存在');
      return { status: 200, body: refundJson(finishRefund(ctx, refund, status)) };
    },
  },
  {
    method: 'GET',
    path: '/sandbox/notifications',
    auth: 'admin',
    handle: (_req, ctx) => ({ status: 200, body: { data: ctx.notifier.deliveries } }),
  },
  {
    method: 'GET',
    path: '/sandbox/faults',
    auth: 'admin',
    handle: (_req, ctx) => ({ status: 200, body: { faults: ctx.faults.all() } }),
  },
  {
    method: 'POST',
    path: '/sandbox/faults',
    auth: 'admin',
    handle: (req, ctx) => ({ status: 200, body: { faults: setFaults(ctx, parseBody(req.rawBody)) } }),
  },
  {
    method: 'DELETE',
    path: '/sandbox/faults',
    auth: 'admin',
    handle: (_req, ctx) => {
      clearFaults(ctx);
      return { status: 200, body: { faults: [] } };
    },
  },
  {
    method: 'POST',
    path: '/sandbox/certificates/rotate',
    auth: 'admin',
    handle: async (_req, ctx) => ({ status: 200, body: await rotatePlatformKey(ctx) }),
  },
  {
    method: 'POST',
    path: '/sandbox/sign-with',
    auth: 'admin',
    handle: (req, ctx) => {
      const serial = parseBody(req.rawBody).serial;
      if (serial !== null && !ctx.keys.platform.some((x) => x.serial === serial)) {
        throw new SandboxApiError(
          400,
          'PARAM_ERROR',
          `Unknown platform serial ${typeof serial === 'string' ? serial : JSON.stringify(serial)}`,
          {
            field: '/serial',
            location: 'body',
          },
        );
      }
      ctx.signWith = (serial as string | null) ?? undefined;
      // null: a pubkey key set made without a platform certificate (the demo's) has none to sign with.
      return { status: 200, body: { serial: ctx.signWith ?? ctx.keys.platform.at(-1)?.serial ?? null } };
    },
  },
  {
    method: 'POST',
    path: '/sandbox/clock',
    auth: 'admin',
    handle: (req, ctx) => ({ status: 200, body: setClockOffset(ctx, parseBody(req.rawBody).offsetSeconds) }),
  },
  {
    method: 'GET',
    path: '/sandbox/clock',
    auth: 'admin',
    handle: (_req, ctx) => ({ status: 200, body: clockView(ctx) }),
  },
  {
    method: 'POST',
    path: '/sandbox/time-scale',
    auth: 'admin',
    handle: (req, ctx) => ({ status: 200, body: setTimeScale(ctx, parseBody(req.rawBody).timeScale) }),
  },
  {
    method: 'GET',
    path: '/sandbox/stats',
    auth: 'admin',
    handle: (_req, ctx) => ({ status: 200, body: { requests: Object.fromEntries(ctx.stats) } }),
  },
  {
    method: 'GET',
    path: '/sandbox/state',
    auth: 'admin',
    handle: (_req, ctx) => ({ status: 200, body: ctx.state.snapshot() }),
  },
];
