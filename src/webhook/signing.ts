// Forwards are signed as the Standard Webhooks specification says (standardwebhooks.com), so the app can check
// them with any Standard Webhooks library: `webhook-id`, `webhook-timestamp` (unix seconds) and
// `webhook-signature: v1,<base64 HMAC-SHA256 over "<id>.<timestamp>.<body>">` under a `whsec_<base64>` secret.
// `verifyForward` is the receiving side, exported from the library for apps written in Node.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { WxpayError } from '../protocol/errors.js';
import { getHeader } from '../protocol/headers.js';

const PREFIX = 'whsec_';
/** The spec's default tolerance for webhook-timestamp. */
export const FORWARD_TOLERANCE_SECONDS = 300;

/** A new secret: 32 random bytes as `whsec_<base64>`. */
export function newForwardSecret(): string {
  return PREFIX + randomBytes(32).toString('base64');
}

function secretKey(secret: string): Buffer {
  const key = Buffer.from(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret, 'base64');
  if (key.length < 16)
    throw new WxpayError('CONFIG_INVALID', 'The forward secret is too short or not base64', {
      hint: 'Expect whsec_ followed by the base64 of 24 to 64 random bytes.',
    });
  return key;
}

/** `v1,<base64>` for one message. */
export function signForward(secret: string, id: string, timestamp: number, body: string | Buffer): string {
  const mac = createHmac('sha256', secretKey(secret)).update(`${id}.${timestamp}.`).update(body).digest('base64');
  return `v1,${mac}`;
}

/** The three headers of one signed forward. */
export function forwardSignatureHeaders(
  secret: string,
  id: string,
  timestamp: number,
  body: string | Buffer,
): Record<string, string> {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signForward(secret, id, timestamp, body),
  };
}

export interface VerifyForwardInput {
  secret: string;
  /** The request's headers (any case). */
  headers: Record<string, string | string[] | undefined>;
  /** The raw body, exactly as received. */
  body: string | Buffer;
  /** Unix seconds (default: the clock). */
  now?: number;
  toleranceSeconds?: number;
}

/** Checks a forward from `webhook serve`; returns its id and timestamp, or throws VERIFY_* (exit 6). */
export function verifyForward(input: VerifyForwardInput): { id: string; timestamp: number } {
  const id = getHeader(input.headers, 'webhook-id');
  const ts = getHeader(input.headers, 'webhook-timestamp');
  const sigs = getHeader(input.headers, 'webhook-signature');
  if (!id || !ts || !sigs) {
    throw new WxpayError(
      'VERIFY_MISSING_HEADER',
      'The forward lacks webhook-id, webhook-timestamp or webhook-signature',
      { hint: 'Forwards from `wxpay webhook serve --forward-to` carry all three; anything else did not come from it.' },
    );
  }
  const timestamp = Number(ts);
  const now = input.now ?? Math.floor(Date.now() / 1000);
  if (!/^\d+$/.test(ts) || Math.abs(now - timestamp) > (input.toleranceSeconds ?? FORWARD_TOLERANCE_SECONDS)) {
    throw new WxpayError(
      'VERIFY_TIMESTAMP',
      `webhook-timestamp ${ts.slice(0, 20)} is outside the ±${input.toleranceSeconds ?? FORWARD_TOLERANCE_SECONDS} s window`,
      {
        hint: 'Check the clocks, or re-send it with `wxpay notify replay <journal> --id <id> --forward <url>` (a fresh signature).',
      },
    );
  }
  const want = Buffer.from(signForward(input.secret, id, timestamp, input.body));
  const ok = sigs.split(' ').some((s) => {
    const got = Buffer.from(s);
    return got.length === want.length && timingSafeEqual(got, want);
  });
  if (!ok)
    throw new WxpayError('VERIFY_BAD_SIGNATURE', "The forward's webhook-signature does not match", {
      hint: 'Use the secret printed by `wxpay webhook serve --print-secret`, and verify the raw body, not re-serialised JSON.',
    });
  return { id, timestamp };
}
