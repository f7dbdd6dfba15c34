// Transfer options shared by `transfer create` and its batch (--from): --scene-report type=content pairs.
import { WxpayError } from '../protocol/errors.js';

export function reportsOf(pairs: string[] = []): Array<{ type: string; content: string }> {
  return pairs.map((p) => {
    const at = p.indexOf('=');
    if (at <= 0)
      throw new WxpayError('USAGE', `--scene-report "${p}" is not type=content`, {
        hint: 'e.g. --scene-report 活动名称=新会员有礼',
      });
    return { type: p.slice(0, at), content: p.slice(at + 1) };
  });
}
