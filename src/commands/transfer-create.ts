// `wxpay transfer create`: a merchant transfer to a user's WeChat balance (docs/protocol.md §12). --user-name is
// encrypted to WeChat Pay's key with the matching Wechatpay-Serial. In WAIT_USER_CONFIRM the package_info for the
// mini-program's confirm page is printed. Asks for confirmation on a TTY; without a TTY --yes is required.
import { createTransfer, transferPreviewRequest, type TransferInput } from '../api/transfers.js';
import { WxpayError } from '../protocol/errors.js';
import type { CommandContext } from '../runtime.js';
import type { TransferCreateOptions } from '../cli/transfer.js';
import { formatYuan, parseFen } from '../command-kit/amount.js';
import { printDryRun, withClient } from '../command-kit/client-context.js';
import { confirmSend } from '../command-kit/confirm.js';
import { outputFor } from '../command-kit/shared.js';
import { transferRows } from '../command-kit/transfer-view.js';
import { reportsOf } from '../command-kit/transfer-input.js';

const usage = (message: string, hint: string) => new WxpayError('USAGE', message, { hint });

export function transferInputFrom(opts: TransferCreateOptions, appid: string | undefined): TransferInput {
  for (const [flag, v] of [
    ['--out-bill-no', opts.outBillNo],
    ['--openid', opts.openid],
    ['--scene-id', opts.sceneId],
    ['--remark', opts.remark],
  ] as const)
    if (!v) throw usage(`${flag} is required`, 'See `wxpay transfer create --help` for an example.');
  if (!appid) throw usage('No AppID: set appid in the profile or give --appid', 'The openid belongs to this AppID.');
  return {
    appid,
    outBillNo: opts.outBillNo!,
    openid: opts.openid!,
    amount: parseFen(opts.amount, '--amount', opts.yuan),
    sceneId: opts.sceneId!,
    remark: opts.remark!,
    reports: reportsOf(opts.sceneReport),
    userName: opts.userName,
    notifyUrl: opts.notifyUrl,
    perception: opts.perception,
  };
}

export async function run(ctx: CommandContext<TransferCreateOptions>): Promise<void> {
  await withClient(ctx, async ({ client, profile }) => {
    const parsed = transferInputFrom(ctx.opts, ctx.opts.appid ?? profile.appid);
    const input = parsed.notifyUrl || !profile.notifyUrl ? parsed : { ...parsed, notifyUrl: profile.notifyUrl };
    if (ctx.opts.dryRun) {
      printDryRun(ctx, client.preview(transferPreviewRequest(client, input)));
      return;
    }
    const question = `Transfer ${input.amount} fen (${formatYuan(input.amount)} CNY) to ${input.openid} as ${input.outBillNo}?`;
    if (!(await confirmSend(ctx, question))) return;
    const t = await createTransfer(client, input);
    const out = outputFor(ctx);
    if (out.json) {
      out.data(t);
      return;
    }
    out.table([
      ...transferRows(t),
      ...(t.package_info ? ([['package_info', t.package_info]] as [string, string][]) : []),
    ]);
    if (t.state === 'WAIT_USER_CONFIRM')
      out.note(
        'The payee must confirm: pass package_info as `package` to wx.requestMerchantTransfer in the mini-program (with mchId and appId).',
      );
  });
}
