// `wxpay paysign <jsapi|app>`: the parameters a front end passes to WeixinJSBridge / wx.requestPayment / OpenSDK.
import { loadMerchant } from '../config/credentials.js';
import { WxpayError } from '../protocol/errors.js';
import { appPayParams, jsapiPayParams, unixSeconds } from '../protocol/sign.js';
import type { CommandContext } from '../runtime.js';
import type { PaysignOptions } from '../cli/paysign.js';
import { loadProfile, outputFor } from '../command-kit/shared.js';
import { newNonce } from '../protocol/nonce.js';

export async function run(ctx: CommandContext<PaysignOptions>): Promise<void> {
  const [kind] = ctx.args as [string];
  const { opts, rt } = ctx;
  if (kind !== 'jsapi' && kind !== 'app')
    throw new WxpayError('USAGE', `Unknown kind "${kind}"`, { hint: 'Use jsapi (also mini-programs) or app.' });
  const profile = await loadProfile(ctx);
  const appid = opts.appid ?? profile.appid;
  if (!appid) throw new WxpayError('USAGE', 'No AppID', { hint: 'Pass --appid or set "appid" in the profile.' });
  const merchant = await loadMerchant(profile);
  const ts = opts.timestamp ?? unixSeconds(rt.now());
  const nonce = opts.nonce ?? newNonce();
  const params =
    kind === 'jsapi'
      ? jsapiPayParams(merchant.privateKey, appid, opts.prepayId, ts, nonce)
      : appPayParams(merchant.privateKey, appid, merchant.mchid, opts.prepayId, ts, nonce);
  const out = outputFor(ctx);
  if (out.json) out.data(params);
  else out.table(Object.entries(params).map(([k, v]) => [k, String(v)]));
}
