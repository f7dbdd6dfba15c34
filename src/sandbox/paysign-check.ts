// The checks the WeChat client makes on the parameters a JSAPI page or an APP hands it (docs/protocol.md §6), for the
// simulated payer's paysign page (issue 21): every field present, signType RSA (JSAPI) or package Sign=WXPay (APP),
// the prepay_id of an unpaid order of that kind, the appid that order was made for (and, for APP, its mchid), and the
// signature, verified with the merchant certificate's public key. Each problem names its field, so a tampered set
// says which field is wrong.
import { appPayMessage, jsapiPayMessage } from '../protocol/canonical.js';
import { verifyMessage } from '../protocol/verify.js';
import type { SandboxContext } from './context.js';
import { refresh } from './order-times.js';
import type { OrderRecord } from './state.js';

export interface PaysignProblem {
  field: string;
  message: string;
}

export interface PaysignResult {
  kind: 'jsapi' | 'app';
  problems: PaysignProblem[];
  /** The order the prepay_id names, when there is one. */
  order?: OrderRecord;
}

const JSAPI_FIELDS = ['appId', 'timeStamp', 'nonceStr', 'package', 'signType', 'paySign'] as const;
const APP_FIELDS = ['appid', 'partnerid', 'prepayid', 'package', 'noncestr', 'timestamp', 'sign'] as const;

/** JSAPI (getBrandWCPayRequest) parameters, or APP (OpenSDK PayReq) ones when `paySign` is absent and `sign` present. */
export function checkPaysign(ctx: SandboxContext, params: Record<string, string>): PaysignResult {
  const app = params.paySign === undefined && params.sign !== undefined;
  const fields = app ? APP_FIELDS : JSAPI_FIELDS;
  const problems: PaysignProblem[] = fields
    .filter((f) => !params[f])
    .map((field) => ({ field, message: `${field} is missing` }));
  if (problems.length) return { kind: app ? 'app' : 'jsapi', problems };
  return app ? checkApp(ctx, params) : checkJsapi(ctx, params);
}

function checkJsapi(ctx: SandboxContext, p: Record<string, string>): PaysignResult {
  const problems: PaysignProblem[] = [];
  if (p.signType !== 'RSA') problems.push({ field: 'signType', message: 'signType must be RSA (APIv3)' });
  if (!/^\d{1,10}$/.test(p.timeStamp!))
    problems.push({ field: 'timeStamp', message: 'timeStamp must be a string of Unix seconds' });
  const prepayId = /^prepay_id=(.+)$/.exec(p.package!)?.[1];
  const order = prepayId ? findOrder(ctx, prepayId, 'jsapi', 'package', problems) : undefined;
  if (!prepayId) problems.push({ field: 'package', message: 'package must be prepay_id=<the prepay_id>' });
  if (order) checkAppid(order, p.appId!, 'appId', problems);
  const message = jsapiPayMessage(p.appId!, p.timeStamp!, p.nonceStr!, p.package!);
  checkSignature(ctx, message, p.paySign!, 'paySign', problems);
  return { kind: 'jsapi', problems, ...(order ? { order } : {}) };
}

function checkApp(ctx: SandboxContext, p: Record<string, string>): PaysignResult {
  const problems: PaysignProblem[] = [];
  if (p.package !== 'Sign=WXPay') problems.push({ field: 'package', message: 'package must be Sign=WXPay' });
  if (!/^\d{1,10}$/.test(p.timestamp!))
    problems.push({ field: 'timestamp', message: 'timestamp must be a string of Unix seconds' });
  const order = findOrder(ctx, p.prepayid!, 'app', 'prepayid', problems);
  if (order) {
    checkAppid(order, p.appid!, 'appid', problems);
    if (order.mchid !== p.partnerid)
      problems.push({ field: 'partnerid', message: `partnerid must be the mchid the order was made by` });
  }
  const message = appPayMessage(p.appid!, p.timestamp!, p.noncestr!, p.prepayid!);
  checkSignature(ctx, message, p.sign!, 'sign', problems);
  return { kind: 'app', problems, ...(order ? { order } : {}) };
}

function findOrder(
  ctx: SandboxContext,
  prepayId: string,
  kind: 'jsapi' | 'app',
  field: string,
  problems: PaysignProblem[],
): OrderRecord | undefined {
  const order = [...ctx.state.orders.values()].find((o) => o.prepayId === prepayId && o.kind !== 'codepay');
  if (!order) problems.push({ field, message: 'no order of this sandbox has this prepay_id' });
  else if (order.kind !== kind)
    problems.push({ field, message: `this prepay_id is of a ${order.kind.toUpperCase()} order, not ${kind}` });
  else if (refresh(ctx, order).tradeState !== 'NOTPAY')
    problems.push({ field, message: `the order is ${order.tradeState}, not NOTPAY` });
  else return order;
  return undefined;
}

/** The appid the prepay named: appid (direct), sub_appid or sp_appid (partner: whichever owns the page or app). */
function checkAppid(order: OrderRecord, appid: string, field: string, problems: PaysignProblem[]): void {
  if (appid === order.appid || appid === order.subAppid) return;
  problems.push({ field, message: 'this appid is not the one the order was made for' });
}

function checkSignature(
  ctx: SandboxContext,
  message: string,
  signature: string,
  field: string,
  problems: PaysignProblem[],
): void {
  if (verifyMessage(ctx.keys.merchantPublicKey, Buffer.from(message), signature)) return;
  problems.push({
    field,
    message: `${field} does not verify with the key of merchant certificate ${ctx.keys.merchantSerial} (SHA256withRSA over the lines of docs/protocol.md §6)`,
  });
}
