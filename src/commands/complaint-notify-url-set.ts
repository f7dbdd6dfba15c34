// `wxpay complaint notify-url set <url>`: where WeChat Pay sends COMPLAINT.CREATE / COMPLAINT.STATE_CHANGE. Creates
// the URL, or replaces the one there is (GET first: POST refuses a second URL, PUT needs one).
import { getNotifyUrl, putNotifyUrl } from '../api/complaint-notify-url.js';
import { withClient } from '../command-kit/client-context.js';
import { outputFor } from '../command-kit/shared.js';
import { isWxpayError, WxpayError } from '../protocol/errors.js';
import type { CommandContext } from '../runtime.js';

export async function run(ctx: CommandContext): Promise<void> {
  const url = (ctx.args[0] as string | undefined) ?? '';
  if (!/^https?:\/\/\S+$/.test(url))
    throw new WxpayError('USAGE', `Not a URL: "${url}"`, { hint: 'WeChat Pay takes an https:// URL.' });
  const saved = await withClient(ctx, async ({ client }) => {
    const exists = await getNotifyUrl(client).then(
      () => true,
      (e: unknown) => {
        if (isWxpayError(e) && e.wechatpay?.status === 404) return false;
        throw e;
      },
    );
    return putNotifyUrl(client, url, exists);
  });
  const out = outputFor(ctx);
  if (out.json) {
    out.data(saved);
    return;
  }
  out.line(`complaint notifications for ${saved.mchid} go to ${saved.url}`);
}
