// `wxpay sandbox transfer <out_bill_no> [--refuse | --fail <reason>]`: the simulated payee of a merchant transfer
// confirms it (→ SUCCESS), refuses it (→ FAIL), or the transfer fails with a documented reason (docs/protocol.md §12).
import { WxpayError } from '../protocol/errors.js';
import type { CommandContext } from '../runtime.js';
import type { SandboxTransferOptions } from '../cli/sandbox.js';
import { adminCall } from '../command-kit/sandbox-admin-call.js';
import { outputFor } from '../command-kit/shared.js';

export async function run(ctx: CommandContext<SandboxTransferOptions>): Promise<void> {
  const [outBillNo] = ctx.args as [string];
  if (ctx.opts.refuse && ctx.opts.fail !== undefined)
    throw new WxpayError('USAGE', 'Give --refuse or --fail, not both', { hint: 'e.g. --fail NAME_NOT_CORRECT' });
  const action = ctx.opts.refuse ? 'refuse' : ctx.opts.fail !== undefined ? 'fail' : 'confirm';
  const path = `/sandbox/transfers/${encodeURIComponent(outBillNo)}/${action}`;
  const t = await adminCall(ctx, path, action === 'fail' ? { fail_reason: ctx.opts.fail } : undefined);
  const out = outputFor(ctx);
  if (out.json) return out.data(t);
  out.table([
    ['out_bill_no', String(t.out_bill_no)],
    ['state', String(t.state)],
    ...(t.fail_reason ? ([['fail_reason', String(t.fail_reason)]] as Array<[string, string]>) : []),
  ]);
}
