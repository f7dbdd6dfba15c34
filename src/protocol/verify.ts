// docs/protocol.md §2: verifying WeChat Pay's signature on a response or a notification, over the RAW body bytes,
// with the key picked by Wechatpay-Serial and a ±300 s window. Each failure has its own code and hint.
import { verify as rsaVerify, type KeyObject } from 'node:crypto';
import { WxpayError } from './errors.js';
import { getHeader, type HeaderBag } from './headers.js';
import { lookupKey, type KeyStore } from './keys.js';
import { responseMessage } from './canonical.js';
import { isPublicKeyId } from './serials.js';

export const PROBE_PREFIX = 'WECHATPAY/SIGNTEST/';
export const DEFAULT_WINDOW_SECONDS = 300;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export interface SignatureHeaders {
  timestamp: string;
  nonce: string;
  signature: string;
  serial: string;
}

export const isProbeSignature = (signature: string): boolean => signature.startsWith(PROBE_PREFIX);

export function readSignatureHeaders(headers: HeaderBag): SignatureHeaders {
  const wanted = ['Wechatpay-Timestamp', 'Wechatpay-Nonce', 'Wechatpay-Signature', 'Wechatpay-Serial'] as const;
  const values = wanted.map((h) => getHeader(headers, h));
  const missing = wanted.filter((_, i) => !values[i]);
  if (missing.length) {
    throw new WxpayError(
      'VERIFY_MISSING_HEADER',
      `Missing signature header${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`,
      {
        hint: 'WeChat Pay signs every 2xx answer and every callback; an unsigned one must be treated as forged. Check that a proxy did not strip the Wechatpay-* headers.',
        details: { missing },
      },
    );
  }
  const [timestamp, nonce, signature, serial] = values as string[];
  return { timestamp: timestamp!, nonce: nonce!, signature: signature!, serial: serial! };
}

/** Returns the skew in seconds (now − timestamp); throws when |skew| reaches the window. */
export function checkTimestamp(timestamp: string, now: number, windowSeconds = DEFAULT_WINDOW_SECONDS): number {
  if (!/^\d{1,12}$/.test(timestamp)) {
    throw new WxpayError('VERIFY_TIMESTAMP', `Wechatpay-Timestamp "${timestamp.slice(0, 20)}" is not Unix seconds`, {
      hint: 'The timestamp must be whole seconds since 1970 (10 digits), not milliseconds.',
    });
  }
  const skew = Math.floor(now) - Number(timestamp);
  if (Math.abs(skew) >= windowSeconds) {
    const dir = skew > 0 ? 'stale' : 'in the future';
    throw new WxpayError('VERIFY_TIMESTAMP', `Timestamp is ${dir}: skew ${skew} s, the window is ±${windowSeconds} s`, {
      hint: "Check this machine's clock (NTP), or whether the message is a replay of an old capture.",
      details: { skew, windowSeconds },
    });
  }
  return skew;
}

/** SHA256withRSA over `message`; false (never a throw) for a signature that is not base64, e.g. a probe. */
export function verifyMessage(publicKey: KeyObject, message: Buffer, signature: string): boolean {
  return BASE64.test(signature) && rsaVerify('sha256', message, publicKey, Buffer.from(signature, 'base64'));
}

export interface VerifyInput {
  headers: HeaderBag;
  /** The raw body exactly as received; never JSON that was parsed and serialised again. */
  body: string | Buffer;
  keys: KeyStore;
  /** Unix seconds. */
  now: number;
  windowSeconds?: number;
}

export interface VerifyResult extends SignatureHeaders {
  skew: number;
}

export function verifySignature(input: VerifyInput): VerifyResult {
  const h = readSignatureHeaders(input.headers);
  if (isProbeSignature(h.signature)) {
    throw new WxpayError('VERIFY_PROBE', 'The signature is a WeChat Pay signature probe (WECHATPAY/SIGNTEST/…)', {
      hint: 'WeChat Pay sends deliberately wrong signatures to check that you verify. Reject it (4xx/5xx for a callback); a correctly signed copy follows.',
      details: { serial: h.serial },
    });
  }
  const skew = checkTimestamp(h.timestamp, input.now, input.windowSeconds);
  const key = lookupKey(input.keys, h.serial);
  if (!key) {
    const known = [...input.keys.keys()];
    throw new WxpayError('VERIFY_UNKNOWN_SERIAL', `No key for Wechatpay-Serial ${h.serial}`, {
      hint: isPublicKeyId(h.serial)
        ? `Configure publicKeyId=${h.serial} and publicKeyPath (pub_key.pem). Known: ${known.join(', ') || 'none'}.`
        : `Download the platform certificates again (wxpay certs download). Known: ${known.join(', ') || 'none'}.`,
      details: { serial: h.serial, known },
    });
  }
  const ok = verifyMessage(key, responseMessage(h.timestamp, h.nonce, input.body), h.signature);
  if (!ok) {
    throw new WxpayError('VERIFY_BAD_SIGNATURE', 'The signature does not match the body', {
      hint: 'Verify the raw body bytes exactly as received: a framework body parser that re-serialised the JSON is the usual cause. Also check that the key for this serial is the right one.',
      details: { serial: h.serial },
    });
  }
  return { ...h, skew };
}
