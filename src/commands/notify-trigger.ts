// `wxpay notify trigger <event> --to <url>`: builds a realistic signed notification (fresh id, timestamp and
// nonce, a plausible transaction/refund, --set overrides), encrypts with the APIv3 key, signs with the sandbox's
// key and POSTs it. Exit 0 only on a 2xx; with --probe, only when the receiver REJECTS the probe.
import { WxpayError } from '../protocol/errors.js';
import type { CommandContext } from '../runtime.js';
import type { NotifyTriggerOptions } from '../cli/notify.js';
import { sendTrigger } from '../command-kit/notify-send.js';
import { intOption, outputFor } from '../command-kit/shared.js';

export async function run(ctx: CommandContext<NotifyTriggerOptions>): Promise<void> {
  const { opts } = ctx;
  const sent = await sendTrigger(ctx, {
    event: String(ctx.args[0]),
    to: opts.to,
    outTradeNo: opts.outTradeNo,
    amount: intOption(opts.amount, '--amount') ?? 1,
    set: opts.set,
    probe: opts.probe,
  });
  const { event, receiver: res } = sent;
  const out = outputFor(ctx);
  const passed = opts.probe ? !res.ok : res.ok;
  if (out.json)
    out.data({
      id: sent.id,
      event_type: event,
      serial: sent.serial,
      probe: Boolean(opts.probe),
      resource: sent.resource,
      receiver: { status: res.status, body: res.body },
      passed,
    });
  else {
    out.line(`sent ${event} ${sent.id}${opts.probe ? ' (signature probe)' : ''} signed by ${sent.serial}`);
    out.line(`receiver: ${res.status}${res.body ? ` ${res.body.slice(0, 500)}` : ''}`);
  }
  if (opts.probe && res.ok) {
    throw new WxpayError(
      'NOTIFY_PROBE_ACCEPTED',
      `The receiver answered ${res.status} to a WECHATPAY/SIGNTEST/ probe`,
      {
        hint: 'The receiver does not verify signatures: it must answer 4xx/5xx to a bad signature, or anyone can forge payment callbacks.',
      },
    );
  }
  if (!passed) {
    // webhook serve answers 500 DECRYPT_FAILED when the signature held but its APIv3 key differs from ours.
    const decrypt = /DECRYPT_FAILED/.test(res.body);
    throw new WxpayError('NOTIFY_DELIVERY_FAILED', `The receiver answered ${res.status}`, {
      hint: decrypt
        ? 'The receiver verified the signature but could not decrypt the resource: its APIv3 key is not the one this profile encrypted with. Give both the same 32-byte APIv3 key (`wxpay config show` says where this one came from).'
        : "Run `wxpay notify verify --explain` on the receiver's capture, or check its log. WeChat Pay retries on anything but 2xx.",
      details: { status: res.status },
    });
  }
}
