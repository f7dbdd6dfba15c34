// Shared by the `notify` commands: read one capture (--capture file|- or --http raw request), and send a
// callback to a receiver.
import { parseCaptures, parseHttpRequest, type JournalEntry } from '../webhook/capture.js';
import { WxpayError } from '../protocol/errors.js';
import type { CommandContext } from '../runtime.js';
import type { NotifyDecryptOptions, NotifyVerifyOptions } from '../cli/notify.js';
import { readInput } from './shared.js';

/** --capture / --http, as `notify verify` and `notify decrypt` declare them. */
export type CaptureSource = Pick<NotifyVerifyOptions | NotifyDecryptOptions, 'capture' | 'http'>;

export async function readOneCapture(ctx: CommandContext<CaptureSource>): Promise<JournalEntry> {
  const { capture, http } = ctx.opts;
  if ((capture === undefined) === (http === undefined)) {
    throw new WxpayError('USAGE', 'Give exactly one of --capture <file|-> or --http <file>', {
      hint: 'A capture is {"headers":{...},"body":"<raw body>"}; --http takes raw request text from a proxy log.',
    });
  }
  if (http !== undefined) return parseHttpRequest(await readInput(ctx.rt, http, 'HTTP request'));
  const all = parseCaptures((await readInput(ctx.rt, capture!, 'capture')).toString('utf8'), 'capture');
  if (all.length > 1) {
    throw new WxpayError('USAGE', `The capture holds ${all.length} callbacks`, {
      hint: 'Pass a single capture; to send several, use `wxpay notify replay <journal> --id <event id>`.',
    });
  }
  return all[0]!;
}

/** --now <unix seconds> or the runtime clock. */
export function nowSeconds(ctx: CommandContext<Pick<NotifyVerifyOptions | NotifyDecryptOptions, 'now'>>): number {
  const v = ctx.opts.now;
  if (v === undefined) return Math.floor(ctx.rt.now() / 1000);
  if (!/^\d{1,12}$/.test(v))
    throw new WxpayError('USAGE', `--now must be Unix seconds, got "${v}"`, { hint: 'e.g. --now 1700000000' });
  return Number(v);
}
