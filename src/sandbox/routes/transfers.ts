// Merchant transfers (docs/protocol.md §12) on the path templates of api/transfers.ts: create, query by out_bill_no or
// transfer_bill_no, cancel, and the electronic receipt (apply, query, unsigned download).
import { TRANSFER_PATHS } from '../../api/transfers.js';
import type { SandboxContext } from '../context.js';
import type { RouteDef, RouteRequest } from '../router.js';
import { applyAnswer, applyReceipt, receiptAnswer, receiptDownload } from '../transfer-receipts.js';
import { transferNotFound } from '../transfer-rules.js';
import type { TransferRecord } from '../transfer-types.js';
import { cancelAnswer, cancelTransfer, createAnswer, createTransfer, transferJson, transferKey } from '../transfers.js';
import { bodyOf } from '../validate.js';

function byOutBillNo(req: RouteRequest, ctx: SandboxContext, outBillNo = req.params.out_bill_no!): TransferRecord {
  const t = ctx.state.transfers.get(transferKey(req.auth!.mchid, outBillNo));
  if (!t) throw transferNotFound();
  return t;
}

function byTransferBillNo(req: RouteRequest, ctx: SandboxContext): TransferRecord {
  for (const t of ctx.state.transfers.values())
    if (t.transferBillNo === req.params.transfer_bill_no && t.mchid === req.auth!.mchid) return t;
  throw transferNotFound();
}

const applySchema = {
  type: 'object',
  required: true,
  fields: { out_bill_no: { type: 'string', min: 1, max: 32, required: true, label: '商户转账单号' } },
} as const;

export const transferRoutes: RouteDef[] = [
  {
    method: 'POST',
    path: TRANSFER_PATHS.create,
    auth: 'wechatpay',
    handle: (req, ctx) => ({ status: 200, body: createAnswer(createTransfer(ctx, req)) }),
  },
  {
    method: 'GET',
    path: TRANSFER_PATHS.byOutBillNo,
    auth: 'wechatpay',
    handle: (req, ctx) => ({ status: 200, body: transferJson(ctx, byOutBillNo(req, ctx)) }),
  },
  {
    method: 'GET',
    path: TRANSFER_PATHS.byTransferBillNo,
    auth: 'wechatpay',
    handle: (req, ctx) => ({ status: 200, body: transferJson(ctx, byTransferBillNo(req, ctx)) }),
  },
  {
    method: 'POST',
    path: TRANSFER_PATHS.cancel,
    auth: 'wechatpay',
    handle: (req, ctx) => ({ status: 200, body: cancelAnswer(cancelTransfer(ctx, byOutBillNo(req, ctx))) }),
  },
  {
    method: 'POST',
    path: TRANSFER_PATHS.receiptApply,
    auth: 'wechatpay',
    handle: (req, ctx) => {
      const outBillNo = bodyOf(req.rawBody, applySchema).out_bill_no as string;
      return { status: 200, body: applyAnswer(applyReceipt(ctx, byOutBillNo(req, ctx, outBillNo))) };
    },
  },
  {
    method: 'GET',
    path: TRANSFER_PATHS.receiptQuery,
    auth: 'wechatpay',
    handle: (req, ctx) => ({
      status: 200,
      body: receiptAnswer(ctx, byOutBillNo(req, ctx), req.headers.host ?? '127.0.0.1'),
    }),
  },
  {
    method: 'GET',
    path: TRANSFER_PATHS.receiptDownload,
    auth: 'wechatpay',
    unsignedResponse: true,
    handle: (req, ctx) => ({
      status: 200,
      raw: receiptDownload(ctx, req.query.get('token') ?? '', req.auth!.mchid),
      contentType: 'application/pdf',
    }),
  },
];
