// `wxpay notify verify (--capture <file|-> | --http <file>) [--explain] [--now <unix>]`: checks a captured
// callback's signature with the profile's keys (exit 0, or 6 when it does not verify); --explain shows each step.
import { loadVerifierKeys } from '../config/credentials.js';
import { explainVerification } from '../diagnostics/notify-explain.js';
import { parseNotification } from '../protocol/notification.js';
import type { CommandContext } from '../runtime.js';
import type { NotifyVerifyOptions } from '../cli/notify.js';
import { nowSeconds, readOneCapture } from '../command-kit/notify-input.js';
import { loadProfile, outputFor } from '../command-kit/shared.js';

export async function run(ctx: CommandContext<NotifyVerifyOptions>): Promise<void> {
  const capture = await readOneCapture(ctx);
  const now = nowSeconds(ctx);
  const keys = await loadVerifierKeys(await loadProfile(ctx));
  const result = explainVerification({ headers: capture.headers, body: capture.body, keys, now });
  const out = outputFor(ctx);
  let event: { id: string; event_type: string } | undefined;
  if (result.ok) {
    // A signed body that is not a notification is still not a usable callback (exit 6 / 7 from the typed error).
    const ev = parseNotification(capture.body);
    event = { id: ev.id, event_type: ev.event_type };
  }
  const signature = result.steps.find((s) => s.step === 'signature')!;
  const serial = capture.headers['wechatpay-serial'];
  if (out.json) {
    out.data({
      verified: result.ok,
      ...(serial ? { serial } : {}),
      ...(event ? { event } : {}),
      ...(ctx.opts.explain ? { steps: result.steps } : {}),
    });
  } else {
    const c = out.color;
    if (ctx.opts.explain) {
      for (const s of result.steps) {
        out.line(`${s.ok ? c.green('pass') : c.red('FAIL')}  ${s.step.padEnd(9)} ${s.detail}`);
        for (const w of s.warnings ?? []) out.line(`      ${c.yellow('warning')}: ${w}`);
      }
    }
    if (result.ok) out.line(`${c.green('verified')}: ${event!.event_type} ${event!.id} (serial ${serial})`);
    else if (!ctx.opts.explain) out.line(`${c.red('not verified')}: ${signature.detail}`);
  }
  if (result.error) throw result.error;
}
