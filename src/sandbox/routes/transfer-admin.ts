// The simulated payee of a merchant transfer (docs/protocol.md §12), under /sandbox (no signature): confirm on the
// confirm page (→ TRANSFERING → SUCCESS), refuse it (→ FAIL, OVERDUE_CLOSE unless a reason is given), or force a
// failure with a documented reason from any state before a final one.
import { paramError } from '../api-error.js';
import type { SandboxContext } from '../context.js';
import type { RouteDef, RouteRequest } from '../router.js';
import { transferNotFound } from '../transfer-rules.js';
import type { TransferRecord } from '../transfer-types.js';
import { confirmTransfer, failTransfer, refuseTransfer, transferJson } from '../transfers.js';
import { parseBody } from '../validate.js';

/** The fail_reason values WeChat Pay documents for transfers (wechatpay-java's transfer model lists them). */
export const FAIL_REASONS = [
  'ACCOUNT_FROZEN',
  'REAL_NAME_CHECK_FAIL',
  'NAME_NOT_CORRECT',
  'OPENID_INVALID',
  'TRANSFER_QUOTA_EXCEED',
  'DAY_RECEIVED_QUOTA_EXCEED',
  'MONTH_RECEIVED_QUOTA_EXCEED',
  'DAY_RECEIVED_COUNT_EXCEED',
  'PRODUCT_AUTH_CHECK_FAIL',
  'OVERDUE_CLOSE',
  'ID_CARD_NOT_CORRECT',
  'ACCOUNT_NOT_EXIST',
  'TRANSFER_RISK',
  'PAYEE_ACCOUNT_ABNORMAL',
  'PAYER_ACCOUNT_ABNORMAL',
] as const;

/** A payee who refuses without a reason: the bill closes as if never confirmed. */
export const REFUSED_REASON = 'OVERDUE_CLOSE';

function find(req: RouteRequest, ctx: SandboxContext): TransferRecord {
  const t = ctx.state.transferByOutBillNo(req.params.out_bill_no!);
  if (!t) throw transferNotFound();
  return t;
}

function reasonOf(req: RouteRequest, fallback?: string): string {
  const reason = (req.rawBody.length ? parseBody(req.rawBody) : {}).fail_reason ?? fallback;
  if (typeof reason !== 'string' || !(FAIL_REASONS as readonly string[]).includes(reason))
    throw paramError(`/fail_reason: fail_reason must be one of ${FAIL_REASONS.join(', ')}`);
  return reason;
}

export const transferAdminRoutes: RouteDef[] = [
  {
    method: 'POST',
    path: '/sandbox/transfers/{out_bill_no}/confirm',
    auth: 'admin',
    handle: (req, ctx) => ({ status: 200, body: transferJson(ctx, confirmTransfer(ctx, find(req, ctx))) }),
  },
  {
    method: 'POST',
    path: '/sandbox/transfers/{out_bill_no}/refuse',
    auth: 'admin',
    handle: (req, ctx) => ({
      status: 200,
      body: transferJson(ctx, refuseTransfer(ctx, find(req, ctx), reasonOf(req, REFUSED_REASON))),
    }),
  },
  {
    method: 'POST',
    path: '/sandbox/transfers/{out_bill_no}/fail',
    auth: 'admin',
    handle: (req, ctx) => ({
      status: 200,
      body: transferJson(ctx, failTransfer(ctx, find(req, ctx), reasonOf(req))),
    }),
  },
];
