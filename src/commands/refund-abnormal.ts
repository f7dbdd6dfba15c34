// `wxpay refund abnormal <refund_id>`: a refund that ended ABNORMAL goes to a bank card instead (docs/protocol.md §16):
// the payer's (USER_BANK_CARD, with --bank-type, --bank-account and --real-name, the last two encrypted to WeChat
// Pay's key) or the merchant's (MERCHANT_BANK_CARD). Asks for confirmation on a TTY; without a TTY --yes is required.
import {
  abnormalRefundRequest,
  applyAbnormalRefund,
  ABNORMAL_REFUND_TYPES,
  type AbnormalRefundInput,
} from '../api/refunds.js';
import { printDryRun, withClient } from '../command-kit/client-context.js';
import { confirmSend } from '../command-kit/confirm.js';
import { keyForNames, usage } from '../command-kit/profitsharing.js';
import { outputFor } from '../command-kit/shared.js';
import type { CommandContext } from '../runtime.js';
import type { RefundAbnormalOptions } from '../cli/refund.js';
import { refundRows } from './refund-query.js';

function inputFrom(refundId: string | undefined, opts: RefundAbnormalOptions): AbnormalRefundInput {
  if (!refundId)
    throw usage(
      "Which refund? Give WeChat Pay's refund_id",
      'e.g. wxpay refund abnormal 50300… --out-refund-no R001 --type MERCHANT_BANK_CARD',
    );
  if (!opts.outRefundNo) throw usage('--out-refund-no is required', "The refund's out_refund_no, as a check.");
  const type = (opts.type ?? '').toUpperCase() as AbnormalRefundInput['type'];
  if (!ABNORMAL_REFUND_TYPES.includes(type))
    throw usage(`--type must be one of ${ABNORMAL_REFUND_TYPES.join(', ')}`, 'e.g. --type USER_BANK_CARD');
  if (type === 'USER_BANK_CARD' && (!opts.bankType || !opts.bankAccount || !opts.realName))
    throw usage(
      'USER_BANK_CARD needs --bank-type, --bank-account and --real-name',
      'e.g. --bank-type CMB_DEBIT --bank-account 6214… --real-name 张三',
    );
  return {
    refundId,
    outRefundNo: opts.outRefundNo,
    type,
    bankType: opts.bankType,
    bankAccount: opts.bankAccount,
    realName: opts.realName,
    subMchid: opts.subMchid,
  };
}

export async function run(ctx: CommandContext<RefundAbnormalOptions>): Promise<void> {
  const input = inputFrom(ctx.args[0] as string | undefined, ctx.opts);
  await withClient(ctx, async ({ client }) => {
    const sensitive = input.bankAccount !== undefined || input.realName !== undefined;
    const key = await keyForNames(client, sensitive, Boolean(ctx.opts.dryRun));
    if (ctx.opts.dryRun) {
      printDryRun(ctx, client.preview(abnormalRefundRequest(input, key)));
      return;
    }
    const where = input.type === 'USER_BANK_CARD' ? "the payer's bank card" : "the merchant's bank account";
    if (!(await confirmSend(ctx, `Send refund ${input.outRefundNo} to ${where}?`))) return;
    const r = await applyAbnormalRefund(client, input, key);
    const out = outputFor(ctx);
    if (out.json) {
      out.data(r);
      return;
    }
    out.table(refundRows(r));
  });
}
