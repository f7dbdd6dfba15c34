// `wxpay prepay combine <jsapi|app|h5|native> --out-trade-no <combine_out_trade_no> --sub-order …`: one combine
// order (合单, docs/protocol.md §17) whose sub-orders the payer pays at once; prints the prepay_id / code_url / h5_url
// and, for jsapi and app, the signed invoke parameters (`wxpay paysign` signs the same prepay_id again later).
import {
  SUB_ORDERS,
  combinePrepay,
  combinePrepayBody,
  type CombinePrepayInput,
  type SubOrderInput,
} from '../api/combine.js';
import { COMBINE_PATHS } from '../api/combine.js';
import { PREPAY_KINDS, type PrepayKind } from '../api/transactions.js';
import { parseFen } from '../command-kit/amount.js';
import { printDryRun, withClient } from '../command-kit/client-context.js';
import { invokeParams, printInvoke } from '../command-kit/invoke.js';
import { renderQr, sandboxPayerPage } from '../command-kit/qr.js';
import { outputFor } from '../command-kit/shared.js';
import { fillPath } from '../protocol/endpoints.js';
import { WxpayError } from '../protocol/errors.js';
import { isOutTradeNo } from '../protocol/ids.js';
import type { CommandContext } from '../runtime.js';
import type { PrepayOptions } from '../cli/prepay.js';
import { parseExpire } from './prepay.js';

// The combine flags are declared with prepay's (cli/prepay.ts): `prepay combine <kind>` is one declaration.
type CombineOptions = PrepayOptions;

const usage = (message: string, hint: string) => new WxpayError('USAGE', message, { hint });
const SPEC_HINT = 'e.g. --sub-order SUB20260101001:1900000109:100:Tea (out_trade_no:mchid:amount in fen:description)';

/** `out_trade_no:mchid:amount:description`; the description is the rest, so it may hold colons. */
export function parseSubOrder(spec: string): SubOrderInput {
  const [outTradeNo = '', mchid = '', amount = '', ...rest] = spec.split(':');
  const description = rest.join(':');
  if (!isOutTradeNo(outTradeNo))
    throw usage(`--sub-order "${spec}": out_trade_no must be 6-32 of [0-9A-Za-z_-|*]`, SPEC_HINT);
  if (!/^\d{8,12}$/.test(mchid)) throw usage(`--sub-order "${spec}": mchid must be 8-12 digits`, SPEC_HINT);
  if (!description) throw usage(`--sub-order "${spec}": the description is missing`, SPEC_HINT);
  return { outTradeNo, mchid, total: parseFen(amount, `--sub-order ${outTradeNo} amount`), description };
}

function checkArgs(kind: PrepayKind, opts: CombineOptions): SubOrderInput[] {
  if (!PREPAY_KINDS.includes(kind))
    throw usage(`Unknown combine kind "${kind}"`, `Use one of ${PREPAY_KINDS.join(', ')}.`);
  if (!opts.outTradeNo || !isOutTradeNo(opts.outTradeNo))
    throw usage(
      '--out-trade-no (the combine_out_trade_no) must be 6-32 of [0-9A-Za-z_-|*]',
      'e.g. --out-trade-no C20260101001',
    );
  const subs = (opts.subOrder ?? []).map(parseSubOrder);
  if (subs.length < SUB_ORDERS.min || subs.length > SUB_ORDERS.max)
    throw usage(
      `A combine order holds ${SUB_ORDERS.min} to ${SUB_ORDERS.max} sub-orders; got ${subs.length}`,
      SPEC_HINT,
    );
  if (new Set(subs.map((s) => s.outTradeNo)).size !== subs.length)
    throw usage('Two --sub-order share one out_trade_no', 'Each sub-order needs its own out_trade_no.');
  if (kind === 'jsapi' && !opts.openid) throw usage('jsapi needs --openid', "The payer's openid under this appid.");
  if (kind === 'h5' && !opts.payerIp)
    throw usage('h5 needs --payer-ip', "The payer's client IP, e.g. --payer-ip 203.0.113.7");
  if (opts.qr && kind !== 'native')
    throw usage('--qr is for native only', 'Use `wxpay prepay combine native ... --qr`.');
  return subs;
}

export async function run(ctx: CommandContext<CombineOptions>): Promise<void> {
  const kind = String(ctx.args[1]) as PrepayKind;
  const { opts, rt } = ctx;
  const subOrders = checkArgs(kind, opts);
  await withClient(ctx, async ({ client, profile }) => {
    const appid = opts.appid ?? profile.appid;
    const notifyUrl = opts.notifyUrl ?? profile.notifyUrl;
    if (!appid) throw usage('No appid: pass --appid or set "appid" in the profile', 'The combine_appid.');
    if (!notifyUrl) throw usage('No notify URL: pass --notify-url or set "notifyUrl" in the profile', 'An https URL.');
    const input: CombinePrepayInput = {
      appid,
      combineOutTradeNo: opts.outTradeNo!,
      notifyUrl,
      subOrders,
      openid: opts.openid,
      ...(opts.expire ? { timeExpire: parseExpire(opts.expire, rt.now()) } : {}),
      payerClientIp: opts.payerIp,
      h5Type: opts.h5Type,
    };
    if (opts.dryRun) {
      const path = fillPath(COMBINE_PATHS.prepay, { kind });
      printDryRun(ctx, client.preview({ method: 'POST', path, body: combinePrepayBody(client, kind, input) }));
      return;
    }
    const res = await combinePrepay(client, kind, input);
    const invoke = invokeParams(client, kind, appid, res.prepay_id, rt.now());
    const out = outputFor(ctx);
    const answer = res.response.data as object;
    const payerPage = res.code_url ? sandboxPayerPage(res.code_url, client.baseUrl) : undefined;
    if (out.json) {
      out.data({
        kind,
        combine_out_trade_no: input.combineOutTradeNo,
        ...answer,
        ...(invoke ? { invoke } : {}),
      });
      return;
    }
    out.table([
      ['combine_out_trade_no', input.combineOutTradeNo],
      ['sub_orders', subOrders.map((s) => `${s.outTradeNo} (${s.total} fen)`).join(', ')],
      ...Object.entries(answer).map(([k, v]) => [k, String(v)] as [string, string]),
      ...(payerPage ? [['payer_page', payerPage] as [string, string]] : []),
    ]);
    if (invoke) printInvoke(out, kind, invoke);
    if (opts.qr && res.code_url) out.line(`\n${await renderQr(payerPage ?? res.code_url)}`);
  });
}
