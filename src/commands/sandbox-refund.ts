// `wxpay sandbox refund <out_refund_no> [--fail [--status ABNORMAL|CLOSED]]`: finishes a PROCESSING refund.
import { WxpayError } from '../protocol/errors.js';
import type { CommandContext } from '../runtime.js';
import type { SandboxRefundOptions } from '../cli/sandbox.js';
import { adminCall } from '../command-kit/sandbox-admin-call.js';
import { outputFor } from '../command-kit/shared.js';

export async function run(ctx: CommandContext<SandboxRefundOptions>): Promise<void> {
  const [outRefundNo] = ctx.args as [string];
  const status = ctx.opts.status ?? 'ABNORMAL';
  if (status !== 'ABNORMAL' && status !== 'CLOSED')
    throw new WxpayError('USAGE', `--status must be ABNORMAL or CLOSED, got "${status}"`, {
      hint: 'Use --fail --status CLOSED to close the refund.',
    });
  const path = `/sandbox/refunds/${encodeURIComponent(outRefundNo)}/${ctx.opts.fail ? 'fail' : 'complete'}`;
  const refund = await adminCall(ctx, path, ctx.opts.fail ? { status } : undefined);
  const out = outputFor(ctx);
  if (out.json) {
    out.data(refund);
    return;
  }
  out.table([
    ['out_refund_no', String(refund.out_refund_no)],
    ['status', String(refund.status)],
    ['refund_id', String(refund.refund_id)],
  ]);
}
