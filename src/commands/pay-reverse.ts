// `wxpay pay reverse --out-trade-no <no>` (docs/protocol.md §18): reverses (撤销) a payment-code order by hand, e.g.
// after `pay code` ended with CODEPAY_UNRESOLVED. Unpaid: closed; paid: refunded. Retries USERPAYING and system errors.
import { reverseAndRead } from '../api/codepay-flow.js';
import type { PayReverseOptions } from '../cli/pay.js';
import { withClient } from '../command-kit/client-context.js';
import { clockOf, reversedJson, reverseSummary } from '../command-kit/codepay.js';
import { outputFor } from '../command-kit/shared.js';
import { WxpayError } from '../protocol/errors.js';
import { isOutTradeNo } from '../protocol/ids.js';
import type { CommandContext } from '../runtime.js';

export async function run(ctx: CommandContext<PayReverseOptions>): Promise<void> {
  const outTradeNo = ctx.opts.outTradeNo;
  if (!isOutTradeNo(outTradeNo))
    throw new WxpayError('USAGE', '--out-trade-no must be 6-32 characters of [0-9A-Za-z_-|*]', {
      hint: 'e.g. wxpay pay reverse --out-trade-no POS20260101001',
    });
  const result = await withClient(ctx, async ({ client, profile }) => {
    const appid = ctx.opts.appid ?? profile.appid;
    if (!appid) throw new WxpayError('USAGE', 'No appid', { hint: 'Set appid in the profile or pass --appid.' });
    return reverseAndRead(client, appid, outTradeNo, 'requested', clockOf(ctx));
  });
  const out = outputFor(ctx);
  if (out.json) out.data(reversedJson(outTradeNo, result));
  else out.line(`${outTradeNo}: ${reverseSummary(result)}`);
}
