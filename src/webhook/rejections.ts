// What a rejected request costs the listener is bounded: it is journalled as a digest (method, path, a few headers,
// body length, SHA-256 and the first 1 KiB), never the whole body; and rejections per source address are limited by
// a token bucket (plus one for all sources together), so a flood is answered 429 and leaves one summary line per
// interval instead of one line per request. Valid callbacks never touch the buckets.
import { createHash } from 'node:crypto';
import type { Incoming } from './handler.js';

export const REJECT_HEAD_BYTES = 1024;
const KEEP_HEADERS = [
  'content-type',
  'content-length',
  'user-agent',
  'request-id',
  'wechatpay-serial',
  'wechatpay-timestamp',
  'wechatpay-nonce',
  'wechatpay-signature-type',
];
const cap = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}…` : s);
// Control bytes would each grow to 6 characters in JSON (\u0000): such a head is kept as base64 instead.
// eslint-disable-next-line no-control-regex -- the control bytes are what this detects
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffd]/;

/** The journal line for a rejected request: a few KiB at most, whatever was sent. */
export function rejectDigest(req: Incoming, status: number, code: string): Record<string, unknown> {
  const headers: Record<string, string> = {};
  for (const k of KEEP_HEADERS) if (req.headers[k] !== undefined) headers[k] = cap(req.headers[k], 128);
  const head = req.rawBody.subarray(0, REJECT_HEAD_BYTES);
  const text = head.toString('utf8');
  return {
    outcome: 'rejected',
    status,
    code,
    receivedAt: req.receivedAt,
    ...(req.remote ? { remote: req.remote } : {}),
    method: cap(req.method, 16),
    path: cap(req.path, 256),
    headers,
    bodyBytes: req.rawBody.length,
    bodySha256: createHash('sha256').update(req.rawBody).digest('hex'),
    ...(CONTROL.test(text) ? { bodyHeadBase64: head.toString('base64') } : { bodyHead: text }),
  };
}

export class TokenBucket {
  private tokens: number;
  private at: number;
  constructor(
    private readonly burst: number,
    private readonly perSecond: number,
    now: number,
  ) {
    this.tokens = burst;
    this.at = now;
  }
  take(now: number): boolean {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) / 1000) * this.perSecond);
    this.at = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

export interface RejectionLimits {
  /** Rejections journalled per source address: a burst, then this many a second. */
  burst: number;
  perSecond: number;
  /** The same over all sources together (a flood from many addresses). */
  totalBurst: number;
  totalPerSecond: number;
  /** Source addresses tracked at once; the oldest is forgotten past this. */
  maxSources: number;
}

export const DEFAULT_REJECTION_LIMITS: RejectionLimits = {
  burst: 20,
  perSecond: 2,
  totalBurst: 200,
  totalPerSecond: 20,
  maxSources: 10_000,
};

export interface RejectionLimiter {
  /** true: journal and answer this rejection; false: answer 429 (counted for the summary). */
  admit(remote: string | undefined, now: number): boolean;
  /** The summary line for the requests refused since the last call, or undefined if none were. */
  summary(now: number): Record<string, unknown> | undefined;
}

export function createRejectionLimiter(limits: RejectionLimits, start: number): RejectionLimiter {
  const buckets = new Map<string, TokenBucket>();
  const total = new TokenBucket(limits.totalBurst, limits.totalPerSecond, start);
  let limited = new Map<string, number>();
  let refused = 0;
  let since = start;
  return {
    admit(remote = '?', now) {
      let b = buckets.get(remote);
      if (!b) {
        if (buckets.size >= limits.maxSources) buckets.delete(buckets.keys().next().value!);
        buckets.set(remote, (b = new TokenBucket(limits.burst, limits.perSecond, now)));
      }
      if (b.take(now) && total.take(now)) return true;
      refused++;
      if (limited.size < 1000 || limited.has(remote)) limited.set(remote, (limited.get(remote) ?? 0) + 1);
      return false;
    },
    summary(now) {
      const [counts, count, from] = [limited, refused, since];
      [limited, refused, since] = [new Map<string, number>(), 0, now];
      if (!count) return undefined;
      const top = [...counts]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 5)
        .map(([remote, n]) => ({ remote, count: n }));
      return {
        outcome: 'rate_limited',
        status: 429,
        from: new Date(from).toISOString(),
        to: new Date(now).toISOString(),
        count,
        sources: counts.size,
        top,
      };
    },
  };
}
