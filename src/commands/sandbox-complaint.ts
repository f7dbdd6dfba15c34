// `wxpay sandbox complaint <out_trade_no> --phone …`: the simulated payer files a complaint against a paid order on
// the running sandbox; COMPLAINT.CREATE goes to the URL set with `complaint notify-url set`.
import { adminCall } from '../command-kit/sandbox-admin-call.js';
import { intOption, outputFor } from '../command-kit/shared.js';
import type { CommandContext } from '../runtime.js';
import type { SandboxComplaintOptions } from '../cli/sandbox.js';

export async function run(ctx: CommandContext<SandboxComplaintOptions>): Promise<void> {
  const [outTradeNo] = ctx.args as [string];
  const refund = intOption(ctx.opts.refund, '--refund');
  const images = intOption(ctx.opts.images, '--images');
  const c = await adminCall(ctx, '/sandbox/complaints', {
    out_trade_no: outTradeNo,
    ...(ctx.opts.id ? { complaint_id: ctx.opts.id } : {}),
    phone: ctx.opts.phone,
    ...(ctx.opts.detail ? { detail: ctx.opts.detail } : {}),
    ...(refund !== undefined ? { problem_type: 'REFUND', apply_refund_amount: refund } : {}),
    images,
  });
  const out = outputFor(ctx);
  if (out.json) {
    out.data(c);
    return;
  }
  out.table([
    ['complaint_id', String(c.complaint_id)],
    ['complaint_state', String(c.complaint_state)],
    ['out_trade_no', outTradeNo],
  ]);
  out.note(
    c.notify_url
      ? `COMPLAINT.CREATE is on its way to ${c.notify_url as string}`
      : 'no complaint notification URL is set, so none is sent (wxpay complaint notify-url set <url>)',
  );
}
