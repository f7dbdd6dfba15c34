// Builds a realistic signed notification (fresh id, timestamp and nonce, a plausible resource, --set overrides),
// encrypts it with the APIv3 key, signs it with the sandbox's key and POSTs it: `notify trigger` and the `trigger`
// step of `fixtures run`.
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
import { deliver, type Delivery } from '../webhook/deliver.js';
import { pickSigner, sandboxKeys, triggerApiV3Key, type SignerOptions } from './notify-signer.js';
import { chinaRfc3339 } from '../protocol/china-time.js';
import { newWechatIds } from '../protocol/ids.js';
import { newNonce, newResourceNonce } from '../protocol/nonce.js';
import { randomDigits } from '../protocol/serials.js';

export interface TriggerInput {
  event: string;
  to: string;
  outTradeNo?: string | undefined;
  amount: number;
  set?: string[] | undefined;
  probe?: boolean | undefined;
}

export interface TriggerSent {
  id: string;
  event: TriggerEvent;
  serial: string;
  resource: Record<string, unknown>;
  receiver: Delivery;
}

export function triggerEventOf(name: string): TriggerEvent {
  const event = name.toUpperCase() as TriggerEvent;
  if (!TRIGGER_EVENTS.includes(event))
    throw new WxpayError('USAGE', `Unknown event "${name}"`, { hint: `Use one of ${TRIGGER_EVENTS.join(', ')}.` });
  return event;
}

export async function sendTrigger(ctx: CommandContext<SignerOptions>, input: TriggerInput): Promise<TriggerSent> {
  const event = triggerEventOf(input.event);
  if (!/^https?:\/\//.test(input.to))
    throw new WxpayError('USAGE', `--to must be an http(s) URL, got "${input.to}"`, {
      hint: 'e.g. --to http://127.0.0.1:8930/',
    });
  const sb = await sandboxKeys(ctx);
  const signer = pickSigner(sb, ctx.opts.signWith);
  const apiV3Key = await triggerApiV3Key(ctx, sb);
  const nowMs = ctx.rt.now();
  const plaintext = plausibleResource(event, {
    mchid: sb.mchid,
    appid: sb.appid,
    amount: input.amount,
    openid: `oUpF8uMuAJO_M2pxb1Q9zNjWeS6o${randomDigits(4)}`,
    outTradeNo: input.outTradeNo ?? `T${randomDigits(14)}`,
    transactionId: newWechatIds.transactionId(nowMs),
    refundId: newWechatIds.refundId(nowMs),
    outRefundNo: `R${randomDigits(14)}`,
    transferBillNo: newWechatIds.transferBillNo(nowMs),
    complaintId: newWechatIds.complaintId(nowMs),
    orderId: `3008${randomDigits(24)}`,
    outOrderNo: `P${randomDigits(14)}`,
    time: chinaRfc3339(nowMs),
  });
  for (const s of input.set ?? []) applySet(plaintext, s);
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
    probe: Boolean(input.probe),
  });
  const receiver = await deliver(input.to, n.headers, n.body);
  return { id: n.event.id, event, serial: signer.serial, resource: plaintext, receiver };
}
