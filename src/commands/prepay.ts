// `wxpay prepay <jsapi|app|h5|native>`: creates an order (docs/protocol.md §5) and prints prepay_id, code_url or h5_url;
// for jsapi and app also the signed client invoke parameters (docs/protocol.md §6); --qr draws a native code_url in the terminal.
import {
  PREPAY_KINDS,
  prepay,
  prepayBody,
  prepayPath,
  type PrepayInput,
  type PrepayKind,
  type PrepayResult,
} from '../api/transactions.js';
import { WxpayError } from '../protocol/errors.js';
import type { ClientResponse } from '../http/client.js';
import type { ResolvedProfile } from '../config/config.js';
import type { CommandContext } from '../runtime.js';
import type { PrepayOptions } from '../cli/prepay.js';
import { parseFen } from '../command-kit/amount.js';
import { printDryRun, withClient } from '../command-kit/client-context.js';
import { outputFor } from '../command-kit/shared.js';
import { renderQr, sandboxPayerPage } from '../command-kit/qr.js';
import { chinaRfc3339 } from '../protocol/china-time.js';
import { isOutTradeNo } from '../protocol/ids.js';
import { invokeParams, printInvoke } from '../command-kit/invoke.js';

const usage = (message: string, hint: string) => new WxpayError('USAGE', message, { hint });

/** RFC 3339 in Beijing time, as WeChat Pay writes it; "+30m", "+2h", "+1d" are relative to now. */
export function parseExpire(value: string, nowMs: number): string {
  const rel = /^\+(\d+)([mhd])$/.exec(value);
  if (!rel) {
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(value))
      throw usage(
        `--expire "${value}" is neither RFC 3339 nor +<n>m/h/d`,
        'e.g. --expire +30m or --expire 2026-06-08T10:34:56+08:00',
      );
    return value;
  }
  const ms = Number(rel[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[rel[2] as 'm' | 'h' | 'd'];
  return chinaRfc3339(nowMs + ms);
}

export async function run(ctx: CommandContext<PrepayOptions>): Promise<void> {
  const kind = String(ctx.args[0]) as PrepayKind;
  const { opts, rt } = ctx;
  const total = checkFlags(kind, opts);
  await withClient(ctx, async ({ client, profile }) => {
    const input = prepayInput(opts, profile, total, rt.now());
    if (opts.dryRun) {
      printDryRun(
        ctx,
        client.preview({
          method: 'POST',
          path: prepayPath(kind, Boolean(input.partner)),
          body: prepayBody(client, kind, input),
        }),
      );
      return;
    }
    const res = await prepay(client, kind, input);
    const invoke = invokeParams(client, kind, opts.subAppid ?? input.appid, res.prepay_id, rt.now());
    const payerPage = res.code_url ? sandboxPayerPage(res.code_url, client.baseUrl) : undefined;
    await printOrder(ctx, { kind, outTradeNo: input.outTradeNo, payerPage }, res, invoke);
  });
}

/** Usage mistakes caught before any key is read; returns the amount in fen. */
function checkFlags(kind: PrepayKind, opts: PrepayOptions): number {
  if (!PREPAY_KINDS.includes(kind))
    throw usage(`Unknown prepay kind "${kind}"`, `Use one of ${PREPAY_KINDS.join(', ')}.`);
  if (!opts.outTradeNo)
    throw usage(
      '--out-trade-no is required',
      'Your own order number, 6-32 of [0-9A-Za-z_-|*], e.g. --out-trade-no ORDER20260101001',
    );
  if (!isOutTradeNo(opts.outTradeNo))
    throw usage('--out-trade-no must be 6-32 characters of [0-9A-Za-z_-|*]', 'e.g. --out-trade-no ORDER20260101001');
  if (!opts.description) throw usage('--description is required', 'e.g. --description "T-shirt"');
  const total = parseFen(opts.amount, '--amount', opts.yuan);
  if (kind === 'jsapi' && !opts.openid) throw usage('jsapi needs --openid', "The payer's openid under this appid.");
  if (kind === 'h5' && !opts.payerIp)
    throw usage('h5 needs --payer-ip', "The payer's client IP, e.g. --payer-ip 203.0.113.7");
  if (opts.qr && kind !== 'native')
    throw usage('--qr is for native prepay only', 'Use `wxpay prepay native ... --qr`.');
  return total;
}

/** The order from the flags, with appid and notify URL falling back to the profile's. */
function prepayInput(opts: PrepayOptions, profile: ResolvedProfile, total: number, nowMs: number): PrepayInput {
  const appid = opts.appid ?? profile.appid;
  const notifyUrl = opts.notifyUrl ?? profile.notifyUrl;
  if (!appid) throw usage('No appid: pass --appid or set "appid" in the profile', 'The AppID bound to this mchid.');
  if (!notifyUrl)
    throw usage(
      'No notify URL: pass --notify-url or set "notifyUrl" in the profile',
      'An https URL without a query string.',
    );
  return {
    appid,
    description: opts.description!,
    outTradeNo: opts.outTradeNo!,
    notifyUrl,
    total,
    openid: opts.openid,
    attach: opts.attach,
    ...(opts.expire ? { timeExpire: parseExpire(opts.expire, nowMs) } : {}),
    payerClientIp: opts.payerIp,
    h5Type: opts.h5Type,
    ...(opts.profitSharing ? { profitSharing: true } : {}),
    ...(opts.subMchid
      ? {
          partner: { spAppid: appid, subMchid: opts.subMchid, subAppid: opts.subAppid },
        }
      : {}),
  };
}

/** prepay_id / code_url / h5_url, the signed invoke parameters for jsapi and app, and the QR code for --qr (against
 *  the sandbox: of the payer page, also printed as payer_page). */
async function printOrder(
  ctx: CommandContext<PrepayOptions>,
  order: { kind: PrepayKind; outTradeNo: string; payerPage: string | undefined },
  res: PrepayResult & { response: ClientResponse },
  invoke: Record<string, string> | undefined,
): Promise<void> {
  const out = outputFor(ctx);
  const result = {
    kind: order.kind,
    out_trade_no: order.outTradeNo,
    ...(res.response.data as object),
    ...(invoke ? { invoke } : {}),
  };
  if (out.json) {
    out.data(result);
    return;
  }
  out.table([
    ['out_trade_no', order.outTradeNo],
    ...(res.prepay_id ? [['prepay_id', res.prepay_id] as [string, string]] : []),
    ...(res.code_url ? [['code_url', res.code_url] as [string, string]] : []),
    ...(res.h5_url ? [['h5_url', res.h5_url] as [string, string]] : []),
    ...(order.payerPage ? [['payer_page', order.payerPage] as [string, string]] : []),
  ]);
  if (invoke) printInvoke(out, order.kind, invoke);
  if (ctx.opts.qr && res.code_url) {
    out.line();
    out.line(await renderQr(order.payerPage ?? res.code_url));
  }
}
