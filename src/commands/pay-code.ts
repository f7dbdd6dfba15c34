// `wxpay pay code` (docs/protocol.md §18): takes a payment with the payer's payment code (付款码). Prints the
// out_trade_no first (the handle for `pay reverse` and `query`), waits while the payer enters a password, and
// reverses the order at --timeout or on Ctrl-C, so a sale never completes unseen after the cashier gave up.
import { networkInterfaces } from 'node:os';
import { checkCodepayInput, type CodepayInput } from '../api/codepay.js';
import { collectPayment } from '../api/codepay-flow.js';
import type { PayCodeOptions } from '../cli/pay.js';
import { parseFen } from '../command-kit/amount.js';
import { withClient } from '../command-kit/client-context.js';
import { clockOf, printOutcome } from '../command-kit/codepay.js';
import { intOption, outputFor, readLine } from '../command-kit/shared.js';
import { chinaDigits } from '../protocol/china-time.js';
import { WxpayError } from '../protocol/errors.js';
import { randomDigits } from '../protocol/serials.js';
import type { CommandContext } from '../runtime.js';

const MAX_TIMEOUT_S = 300;

/** The cash register's address as WeChat Pay wants it (device_ip): this machine's first external IPv4. */
function firstIpv4(): string {
  for (const list of Object.values(networkInterfaces()))
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return '127.0.0.1';
}

function timeoutMs(value: string): number {
  const s = intOption(value, '--timeout');
  if (s === undefined || s < 1 || s > MAX_TIMEOUT_S)
    throw new WxpayError('USAGE', `--timeout ${value}: give 1 to ${MAX_TIMEOUT_S} seconds`, {
      hint: 'The payer has this long to enter the password; a payment code itself lives about a minute.',
    });
  return s * 1000;
}

// "-" reads the code from stdin, as a scanner types it: a payment code can charge the payer for its minute, so it
// should not sit in argv (ps, shell history). Only the first line is taken (a scanner ends it
// with Enter, so a terminal need not send end-of-file); the checks in api/codepay.ts follow.
async function authCodeOf(ctx: CommandContext<PayCodeOptions>): Promise<string> {
  if (ctx.opts.authCode !== '-') return ctx.opts.authCode;
  return readLine(ctx.rt);
}

function inputFrom(ctx: CommandContext<PayCodeOptions>, appid: string, authCode: string): CodepayInput {
  const { opts } = ctx;
  return {
    appid,
    outTradeNo: opts.outTradeNo ?? `POS${chinaDigits(ctx.rt.now())}${randomDigits(4)}`,
    authCode,
    total: parseFen(opts.amount, '--amount', opts.yuan),
    description: opts.description,
    deviceIp: opts.deviceIp ?? firstIpv4(),
    deviceId: opts.deviceId,
    storeId: opts.storeId,
    attach: opts.attach,
  };
}

export async function run(ctx: CommandContext<PayCodeOptions>): Promise<void> {
  const out = outputFor(ctx);
  const timeout = timeoutMs(ctx.opts.timeout);
  const authCode = await authCodeOf(ctx);
  const cancel = new AbortController();
  const offSignal = ctx.rt.onSignal(() => {
    cancel.abort();
  });
  try {
    await withClient(ctx, async ({ client, profile }) => {
      const appid = ctx.opts.appid ?? profile.appid;
      if (!appid) throw new WxpayError('USAGE', 'No appid', { hint: 'Set appid in the profile or pass --appid.' });
      const input = inputFrom(ctx, appid, authCode);
      checkCodepayInput(input);
      out.note(`out_trade_no ${input.outTradeNo}`);
      const result = await collectPayment(client, input, {
        ...clockOf(ctx),
        timeoutMs: timeout,
        signal: cancel.signal,
        onState: (state, elapsed) => {
          if (state !== 'SUCCESS')
            out.note(`${state}: waiting for the payer (${Math.round(elapsed / 1000)} s of ${timeout / 1000} s)`);
        },
      });
      printOutcome(out, input.outTradeNo, result);
    });
  } finally {
    offSignal();
  }
}
