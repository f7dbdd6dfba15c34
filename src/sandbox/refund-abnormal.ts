// The abnormal refund (docs/protocol.md §16): a refund that ended ABNORMAL (the payer's account could not take it)
// is sent again, to the payer's bank card (bank_type, bank_account and real_name, the last two encrypted) or to the
// merchant's. ABNORMAL -> PROCESSING -> SUCCESS, with REFUND.SUCCESS sent as for any refund.
import { invalidRequest, paramError, resourceNotExists } from './api-error.js';
import type { SandboxContext } from './context.js';
import { finishRefund } from './refund-ops.js';
import type { RefundRecord } from './state.js';

type Body = Record<string, unknown>;

const BANK_NAMES: Record<string, string> = {
  CMB_DEBIT: '招商银行',
  ICBC_DEBIT: '工商银行',
  CCB_DEBIT: '建设银行',
  ABC_DEBIT: '农业银行',
  BOC_DEBIT: '中国银行',
  COMM_DEBIT: '交通银行',
};

function findRefund(ctx: SandboxContext, mchid: string, refundId: string, body: Body): RefundRecord {
  const subMchid = body.sub_mchid as string | undefined;
  for (const r of ctx.state.refunds.values()) {
    if (r.refundId !== refundId || r.mchid !== mchid || r.subMchid !== subMchid) continue;
    if (r.outRefundNo !== body.out_refund_no)
      throw paramError('商户退款单号与微信退款单号不匹配', 'body', body.out_refund_no);
    return r;
  }
  throw resourceNotExists('退款单不存在');
}

/** Bank fields are decrypted by the route (keyed by JSON pointer) before this runs. */
export function applyAbnormalRefund(
  ctx: SandboxContext,
  mchid: string,
  refundId: string,
  body: Body,
  plain: Record<string, string>,
): RefundRecord {
  const refund = findRefund(ctx, mchid, refundId, body);
  if (refund.status !== 'ABNORMAL') throw invalidRequest(`退款单状态为${refund.status}，不能发起异常退款`);
  let account = '商户银行账户';
  if (body.type === 'USER_BANK_CARD') {
    for (const field of ['bank_type', 'bank_account', 'real_name'])
      if (body[field] === undefined) throw paramError(`${field}为必填参数`, 'body');
    const digits = plain['/bank_account'] ?? '';
    if (!/^\d{12,19}$/.test(digits)) throw paramError('收款银行卡号格式错误', 'body');
    account = `${BANK_NAMES[body.bank_type as string] ?? '银行'}借记卡${digits.slice(-4)}`;
  }
  refund.status = 'PROCESSING';
  refund.channel = 'OTHER_BANKCARD';
  refund.receivedAccount = account;
  ctx.state.putRefund(refund);
  if (ctx.autoRefundMs >= 0)
    ctx.later(ctx.autoRefundMs, () => {
      if (refund.status === 'PROCESSING') finishRefund(ctx, refund, 'SUCCESS');
    });
  return refund;
}
