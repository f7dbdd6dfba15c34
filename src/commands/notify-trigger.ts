// `wxpay notify trigger <event> --to <url>`: builds a realistic signed notification (fresh id, timestamp and
// nonce, a plausible transaction/refund, --set overrides), encrypts with the APIv3 key, signs with the sandbox's
// key and POSTs it. Exit 0 only on a 2xx; with --probe, only when the receiver REJECTS the probe.
import { randomUUID } from 'node:crypto';
import { WxpayError } from '../protocol/errors.js';
import {
  applySet,
  originalTypeOf,
  plausibleResource,
  TRIGGER_EVENTS,
  type TriggerEvent,
} from '../diagnostics/notify-fixtures.js';
import { buildNotification } from '../protocol/notification.js';
import { unixSeconds } from '../protocol/sign.js';
import type { CommandContext } from '../runtime.js';
import type { NotifyTriggerOptions } from '../cli/notify.js';
import { deliver } from '../webhook/deliver.js';
import { pickSigner, sandboxKeys, triggerApiV3Key } from '../command-kit/notify-signer.js';
import { intOption, outputFor } from '../command-kit/shared.js';
import { chinaRfc3339 } from '../protocol/china-time.js';
import { newWechatIds } from '../protocol/ids.js';
import { newNonce, newResourceNonce } from '../protocol/nonce.js';
import { randomDigits } from '../protocol/serials.js';

export async function run(ctx: CommandContext<NotifyTriggerOptions>): Promise<void> {
  const event = String(ctx.args[0]).toUpperCase() as TriggerEvent;
  const { opts, rt } = ctx;
  if (!TRIGGER_EVENTS.includes(event))
    throw new WxpayError('USAGE', `Unknown event "${String(ctx.args[0])}"`, {
      hint: `Use one of ${TRIGGER_EVENTS.join(', ')}.`,
    });
  if (!/^https?:\/\//.test(opts.to))
    throw new WxpayError('USAGE', `--to must be an http(s) URL, got "${opts.to}"`, {
      hint: 'e.g. --to http://127.0.0.1:8930/',
    });
  const amount = intOption(opts.amount, '--amount') ?? 1;
  const sb = await sandboxKeys(ctx);
  const signer = pickSigner(sb, opts.signWith);
  const apiV3Key = await triggerApiV3Key(ctx, sb);
  const nowMs = rt.now();
  const plaintext = plausibleResource(event, {
    mchid: sb.mchid,
    appid: sb.appid,
    amount,
    openid: `oUpF8uMuAJO_M2pxb1Q9zNjWeS6o${randomDigits(4)}`,
    outTradeNo: opts.outTradeNo ?? `T${randomDigits(14)}`,
    transactionId: newWechatIds.transactionId(nowMs),
    refundId: newWechatIds.refundId(nowMs),
    outRefundNo: `R${randomDigits(14)}`,
    transferBillNo: newWechatIds.transferBillNo(nowMs),
    complaintId: newWechatIds.complaintId(nowMs),
    orderId: `3008${randomDigits(24)}`,
    outOrderNo: `P${randomDigits(14)}`,
    time: chinaRfc3339(nowMs),
  });
  for (const s of opts.set ?? []) applySet(plaintext, s);
  const n = buildNotification({
    eventType: event,
    originalType: originalTypeOf(event),
    plaintext,
    apiV3Key,
    signingKey: signer.key,
    serial: signer.serial,
    timestamp: unixSeconds(nowMs),
    nonce: newNonce(),
    resourceNonce: newResourceNonce(),
    id: randomUUID(),
    createTime: chinaRfc3339(nowMs),
    probe: Boolean(opts.probe),
  });
  const res = await deliver(opts.to, n.headers, n.body);
  const out = outputFor(ctx);
  const passed = opts.probe ? !res.ok : res.ok;
  if (out.json)
    out.data({
      id: n.event.id,
      event_type: event,
      serial: signer.serial,
      probe: Boolean(opts.probe),
      resource: plaintext,
      receiver: { status: res.status, body: res.body },
      passed,
    });
  else {
    out.line(`sent ${event} ${n.event.id}${opts.probe ? ' (signature probe)' : ''} signed by ${signer.serial}`);
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
