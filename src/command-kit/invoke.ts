// The client invoke parameters for a prepay_id (docs/protocol.md §6): jsapi and app sign them with the merchant key,
// whether the prepay_id came from an ordinary or a combine prepay; h5 and native have none.
import type { WxpayClient } from '../http/client.js';
import { appPayParams, jsapiPayParams, unixSeconds } from '../protocol/sign.js';
import { newNonce } from '../protocol/nonce.js';
import type { Output } from '../render.js';

export function invokeParams(
  client: Pick<WxpayClient, 'merchant'>,
  kind: string,
  appid: string,
  prepayId: string | undefined,
  nowMs: number,
): Record<string, string> | undefined {
  if (!prepayId) return undefined;
  const ts = unixSeconds(nowMs);
  const { privateKey, mchid } = client.merchant;
  if (kind === 'jsapi') return { ...jsapiPayParams(privateKey, appid, prepayId, ts, newNonce()) };
  if (kind === 'app') return { ...appPayParams(privateKey, appid, mchid, prepayId, ts, newNonce()) };
  return undefined;
}

export function printInvoke(out: Output, kind: string, invoke: object): void {
  out.line();
  out.line(
    out.color.bold(
      kind === 'jsapi'
        ? 'JSAPI invoke parameters (WeixinJSBridge getBrandWCPayRequest / wx.requestPayment)'
        : 'APP invoke parameters (OpenSDK PayReq)',
    ),
  );
  out.line(JSON.stringify(invoke, null, 2));
}
