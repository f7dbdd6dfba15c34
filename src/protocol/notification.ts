// docs/protocol.md §2, §3 and §4: a payment/refund notification. `buildNotification` makes one the way WeChat Pay
// does (AEAD-sealed resource, SHA256withRSA over `ts\nnonce\nbody\n`); `verifyAndDecrypt` is the framework-free
// receiver: verify over the RAW body first, then parse, then open the resource. Ids, nonces and time are inputs.
import type { KeyObject } from 'node:crypto';
import { aeadOpen, aeadSeal } from './aead.js';
import { AUTH_SCHEME, responseMessage } from './canonical.js';
import { WxpayError } from './errors.js';
import type { HeaderBag } from './headers.js';
import type { KeyStore } from './keys.js';
import { signMessage } from './sign.js';
import { PROBE_PREFIX, verifySignature, type VerifyResult } from './verify.js';

export interface NotificationResource {
  original_type: string;
  algorithm: 'AEAD_AES_256_GCM';
  ciphertext: string;
  associated_data: string;
  nonce: string;
}

export interface NotificationEvent {
  id: string;
  create_time: string;
  resource_type: 'encrypt-resource';
  event_type: string;
  summary: string;
  resource: NotificationResource;
}

export const EVENT_SUMMARIES: Readonly<Record<string, string>> = {
  'TRANSACTION.SUCCESS': '支付成功',
  'REFUND.SUCCESS': '退款成功',
  'REFUND.ABNORMAL': '退款异常',
  'REFUND.CLOSED': '退款关闭',
  'MCHTRANSFER.BILL.FINISHED': '商家转账单据终态通知',
  'COMPLAINT.CREATE': '产生新投诉',
  'COMPLAINT.STATE_CHANGE': '投诉状态变化',
  'PROFITSHARING.SUCCESS': '分账成功',
  'PROFITSHARING.RETURN': '分账回退',
};

/** resource.original_type, also the AEAD associated data: one per notification family. */
export type OriginalType = 'transaction' | 'refund' | 'mch_payment' | 'complaint' | 'profitsharing';

export interface BuildNotificationInput {
  eventType: string;
  originalType: OriginalType;
  plaintext: object;
  apiV3Key: KeyObject;
  signingKey: KeyObject;
  /** Platform-certificate hex serial or PUB_KEY_ID_…, sent as Wechatpay-Serial. */
  serial: string;
  timestamp: string;
  nonce: string;
  resourceNonce: string;
  id: string;
  createTime: string;
  summary?: string;
  /** Sends a WECHATPAY/SIGNTEST/ signature that a correct receiver must reject. */
  probe?: boolean;
  requestId?: string;
}

export interface BuiltNotification {
  headers: Record<string, string>;
  body: string;
  event: NotificationEvent;
}

export function buildNotification(input: BuildNotificationInput): BuiltNotification {
  // The AAD is original_type, except for complaints, whose resource is sealed with an empty one (docs/protocol.md §13).
  const associatedData = input.originalType === 'complaint' ? '' : input.originalType;
  const event: NotificationEvent = {
    id: input.id,
    create_time: input.createTime,
    resource_type: 'encrypt-resource',
    event_type: input.eventType,
    summary: input.summary ?? EVENT_SUMMARIES[input.eventType] ?? input.eventType,
    resource: {
      original_type: input.originalType,
      algorithm: 'AEAD_AES_256_GCM',
      ciphertext: aeadSeal(input.apiV3Key, input.resourceNonce, associatedData, JSON.stringify(input.plaintext)),
      associated_data: associatedData,
      nonce: input.resourceNonce,
    },
  };
  const body = JSON.stringify(event);
  const real = signMessage(input.signingKey, responseMessage(input.timestamp, input.nonce, body));
  // A probe is "an invalid signature with a marker"; reusing the real one keeps it deterministic.
  const signature = input.probe ? `${PROBE_PREFIX}${real}` : real;
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'Request-ID': input.requestId ?? `${input.nonce}-0`,
    'Wechatpay-Nonce': input.nonce,
    'Wechatpay-Serial': input.serial,
    'Wechatpay-Signature': signature,
    'Wechatpay-Signature-Type': AUTH_SCHEME,
    'Wechatpay-Timestamp': input.timestamp,
  };
  return { headers, body, event };
}

const isStr = (v: unknown): v is string => typeof v === 'string';

/** Parses the envelope. Throws NOTIFY_NOT_JSON or NOTIFY_BAD_RESOURCE; never decrypts. */
export function parseNotification(rawBody: string | Buffer): NotificationEvent {
  const text = Buffer.isBuffer(rawBody) ? rawBody.toString('utf8') : rawBody;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new WxpayError('NOTIFY_NOT_JSON', `The notification body is not JSON: ${(cause as Error).message}`, {
      cause,
      hint: 'A WeChat Pay callback body is one JSON object. Check that a proxy or framework did not replace or truncate it (look at Content-Length).',
    });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new WxpayError('NOTIFY_NOT_JSON', 'The notification body is JSON but not an object', {
      hint: 'Expect {"id":…,"event_type":…,"resource":{…}}.',
    });
  }
  const ev = parsed as Record<string, unknown>;
  const res = ev.resource as Record<string, unknown> | undefined;
  const missing: string[] = [];
  if (!isStr(ev.id)) missing.push('id');
  if (!isStr(ev.event_type)) missing.push('event_type');
  if (res === null || typeof res !== 'object' || Array.isArray(res)) missing.push('resource');
  else for (const k of ['ciphertext', 'nonce'] as const) if (!isStr(res[k])) missing.push(`resource.${k}`);
  if (res && typeof res === 'object' && res.associated_data !== undefined && !isStr(res.associated_data))
    missing.push('resource.associated_data');
  if (missing.length) {
    throw new WxpayError('NOTIFY_BAD_RESOURCE', `The notification lacks or mis-types ${missing.join(', ')}`, {
      hint: 'Expect {"id","event_type","resource":{"algorithm":"AEAD_AES_256_GCM","ciphertext","nonce","associated_data"}} as WeChat Pay sends it.',
      details: { missing },
    });
  }
  return parsed as NotificationEvent;
}

/** Opens `resource` with the APIv3 key and parses the plaintext as a JSON object. */
export function decryptResource(resource: NotificationResource, apiV3Key: KeyObject): Record<string, unknown> {
  const plain = aeadOpen(apiV3Key, resource).toString('utf8');
  try {
    const obj: unknown = JSON.parse(plain);
    if (obj && typeof obj === 'object' && !Array.isArray(obj)) return obj as Record<string, unknown>;
  } catch {
    // fall through to the typed error
  }
  throw new WxpayError('NOTIFY_BAD_RESOURCE', 'The decrypted resource is not a JSON object', {
    hint: 'The tag matched, so the key is right; the sender encrypted something that is not a transaction or refund object.',
  });
}

export interface VerifyAndDecryptInput {
  headers: HeaderBag;
  rawBody: string | Buffer;
  keys: KeyStore;
  apiV3Key: KeyObject;
  /** Unix seconds. */
  now: number;
  windowSeconds?: number;
}

export interface VerifiedNotification {
  event: NotificationEvent;
  resource: Record<string, unknown>;
  verification: VerifyResult;
}

export function verifyAndDecrypt(input: VerifyAndDecryptInput): VerifiedNotification {
  const verification = verifySignature({
    headers: input.headers,
    body: input.rawBody,
    keys: input.keys,
    now: input.now,
    ...(input.windowSeconds !== undefined ? { windowSeconds: input.windowSeconds } : {}),
  });
  const event = parseNotification(input.rawBody);
  return { event, resource: decryptResource(event.resource, input.apiV3Key), verification };
}
