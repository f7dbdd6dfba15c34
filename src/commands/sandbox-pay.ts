// `wxpay sandbox pay <out_trade_no> [--fail]`: the simulated payer, through the running sandbox's admin API.
import type { CommandContext } from '../runtime.js';
import type { SandboxPayOptions } from '../cli/sandbox.js';
import { adminCall } from '../command-kit/sandbox-admin-call.js';
import { outputFor } from '../command-kit/shared.js';

export async function run(ctx: CommandContext<SandboxPayOptions>): Promise<void> {
  const [outTradeNo] = ctx.args as [string];
  const tx = await adminCall(
    ctx,
    `/sandbox/orders/${encodeURIComponent(outTradeNo)}/${ctx.opts.fail ? 'fail' : 'pay'}`,
  );
  const out = outputFor(ctx);
  if (out.json) {
    out.data(tx);
    return;
  }
  const subs = tx.sub_orders as Array<Record<string, unknown>> | undefined;
  if (subs) {
    // A combine order: paid whole, one row per sub-order.
    out.table([
      ['combine_out_trade_no', String(tx.combine_out_trade_no)],
      ...subs.map((s): [string, string] => [
        String(s.out_trade_no),
        `${String(s.trade_state)}  ${String(s.transaction_id)}`,
      ]),
    ]);
    out.note("the combine TRANSACTION.SUCCESS notification is on its way to the order's notify_url");
    return;
  }
  out.table([
    ['out_trade_no', String(tx.out_trade_no)],
    ['trade_state', String(tx.trade_state)],
    ...(tx.transaction_id ? ([['transaction_id', String(tx.transaction_id)]] as Array<[string, string]>) : []),
  ]);
  if (ctx.opts.fail)
    out.note('the payment attempt failed; as in production the order stays NOTPAY and can still be paid');
  if (tx.trade_state === 'SUCCESS')
    out.note(
      "the TRANSACTION.SUCCESS notification is on its way to the order's notify_url (GET /sandbox/notifications)",
    );
}
