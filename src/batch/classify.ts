// docs/protocol.md §8 applied to a batch row: which failures are definite refusals (4xx: WeChat Pay looked at the
// request and said no, so nothing happened) and which leave the outcome unknown (timeouts, network
// errors, 5xx, 202, 429, and 2xx answers whose signature could not be verified: WeChat Pay may have acted).
import { WxpayError } from '../protocol/errors.js';
import { exceedsRefundable } from '../http/error.js';
import type { Outcome } from './types.js';

const SAME_ORDER_SPACING = /相隔1分钟/;
/** A minute plus a margin for the clocks of two machines. */
const SAME_ORDER_WAIT_MS = 61_000;

const NOT_FOUND = new Set(['RESOURCE_NOT_EXISTS', 'ORDER_NOT_EXIST', 'ORDERNOTEXIST', 'NOT_FOUND']);
/** The client's errors for "no answer came": the request may have reached WeChat Pay and still be handled. */
const NO_ANSWER = new Set(['TIMEOUT', 'NETWORK']);

export const isNotFound = (e: unknown): boolean =>
  e instanceof WxpayError &&
  e.code === 'WECHATPAY_ERROR' &&
  e.wechatpay !== undefined &&
  e.wechatpay.status === 404 &&
  NOT_FOUND.has(e.wechatpay.code);

/** Maps anything a request threw to a row outcome. Bugs (non-WxpayError) are rethrown, not hidden in a row. */
export function classifyError(e: unknown): Extract<Outcome, { kind: 'rejected' | 'unknown' }> {
  if (!(e instanceof WxpayError)) throw e;
  const wp = e.wechatpay;
  if (e.code === 'WECHATPAY_ERROR' && wp) {
    const message = `HTTP ${wp.status}: ${wp.message}${e.requestId ? ` (Request-ID ${e.requestId})` : ''}`;
    // "同一笔订单多次退款的请求需相隔1分钟" (docs/protocol.md §11): this order, not the batch, must wait.
    if (wp.code === 'FREQUENCY_LIMITED' && SAME_ORDER_SPACING.test(wp.message))
      return { kind: 'unknown', code: wp.code, message, rateLimited: false, retryAfterMs: SAME_ORDER_WAIT_MS };
    if (wp.status === 429 || wp.code === 'FREQUENCY_LIMITED')
      return { kind: 'unknown', code: wp.code, message, rateLimited: true };
    if (wp.status >= 500 || wp.status === 202 || wp.status < 400)
      return {
        kind: 'unknown',
        code: wp.code,
        message,
        rateLimited: false,
        ...(wp.status === 202 ? { inFlight: true } : {}),
      };
    // Production's code for "more than remains" is INVALID_REQUEST, shared with other refusals: say which it is.
    if (exceedsRefundable(wp))
      return { kind: 'rejected', code: wp.code, message: `refund exceeds what remains on the order: ${message}` };
    return { kind: 'rejected', code: wp.code, message };
  }
  // TIMEOUT, NETWORK, VERIFY_* (an answer we cannot trust), and anything else the client raised.
  return {
    kind: 'unknown',
    code: e.code,
    message: e.message,
    rateLimited: false,
    ...(NO_ANSWER.has(e.code) ? { inFlight: true } : {}),
  };
}

/** What a failed look-up means for a row: not found (send it), or unknown. A refused look-up (400, 401, ...) does
 *  not tell whether the refund or bill exists, and asking again in this run will not change that: unknown, not
 *  retried. */
export function lookupFailure(e: unknown): Extract<Outcome, { kind: 'not-found' | 'rejected' | 'unknown' }> {
  if (isNotFound(e)) return { kind: 'not-found' };
  const o = classifyError(e);
  return o.kind === 'rejected'
    ? { kind: 'unknown', code: o.code, message: `look-up refused: ${o.message}`, rateLimited: false, retriable: false }
    : o;
}
