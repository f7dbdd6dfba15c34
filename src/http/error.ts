// docs/protocol.md §8: turning a failed exchange into a WxpayError. A WeChat Pay error body ({code, message, detail})
// becomes WECHATPAY_ERROR (exit 5) carrying the status, code, message, detail and Request-ID; a transport
// failure becomes NETWORK or TIMEOUT (exit 4). Messages name what to check, never a secret.
import { WxpayError } from '../protocol/errors.js';
import { isConnectError, isTimeoutError } from './retry.js';

const HINTS: Record<string, string> = {
  SIGN_ERROR:
    'WeChat Pay could not verify the request signature: check mchid, serialNo (the merchant certificate serial) and privateKeyPath belong together; `wxpay config check` tests this, and `wxpay sign --explain` compares a SIGN_ERROR body.',
  PARAM_ERROR:
    'A request field is missing or invalid; the message names it (输入源“/body/…”), and detail.value is the offending value or, for a length, the length WeChat Pay counted (in bytes for most fields).',
  INVALID_REQUEST:
    'The request breaks an API rule (headers, state, or a duplicate number with different parameters); read the message.',
  ORDER_NOT_EXIST: 'No such order for this mchid: check the out_trade_no / transaction_id and the profile (--profile).',
  ORDERNOTEXIST: 'No such order for this mchid: check the out_trade_no / transaction_id and the profile (--profile).',
  RESOURCE_NOT_EXISTS: 'Not found: check the number and the profile; a refund number is out_refund_no, not refund_id.',
  NO_AUTH: 'The merchant lacks the permission or product for this call; check 商户平台 → 产品中心.',
  FREQUENCY_LIMITED: 'Rate limited: slow down and retry later with the same parameters.',
  NOT_ENOUGH:
    "The merchant account's balance is too low for this refund (基本账户余额不足): top it up in the merchant platform, then retry with the same out_refund_no.",
  SYSTEM_ERROR:
    'A WeChat Pay system error: retry later with the same parameters (the same out_trade_no / out_refund_no).',
  OUT_TRADE_NO_USED:
    'This out_trade_no was already used with different parameters; query it instead of creating it again.',
  ORDER_CLOSED: 'The order is closed; create a new order with a new out_trade_no.',
};

/**
 * A refund larger than what remains refundable on the order: INVALID_REQUEST with this message in production
 * (docs/protocol.md §11; "refund_fee大于可退金额" in older answers). The code alone also covers other refusals, so
 * the message decides.
 */
export const exceedsRefundable = (body: { code: string; message: string }): boolean =>
  body.code === 'INVALID_REQUEST' && /(超过订单可退金额|大于可退金额)/.test(body.message);

const EXCEEDS_HINT =
  'The refund is more than what remains refundable on this order (earlier refunds count, CLOSED ones excepted): check them with `wxpay refund query <out_refund_no>` and refund at most the rest.';

export interface ErrorBody {
  code: string;
  message: string;
  detail?: unknown;
}

export function parseErrorBody(status: number, raw: Buffer): ErrorBody {
  try {
    const obj = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    if (obj && typeof obj.code === 'string') {
      return {
        code: obj.code,
        message: typeof obj.message === 'string' ? obj.message : '',
        ...(obj.detail !== undefined ? { detail: obj.detail } : {}),
      };
    }
  } catch {
    // Not JSON: a proxy or load balancer answered, not WeChat Pay's API.
  }
  const text = raw.toString('utf8').slice(0, 200).trim();
  return { code: `HTTP_${status}`, message: text || `HTTP ${status} with no error body` };
}

export function wechatpayError(status: number, raw: Buffer, requestId: string | undefined, attempts = 1): WxpayError {
  const body = parseErrorBody(status, raw);
  const hint =
    (exceedsRefundable(body) ? EXCEEDS_HINT : HINTS[body.code]) ??
    (status === 429 || status >= 500 || status === 202
      ? `A transient failure${attempts > 1 ? ` after ${attempts} attempts` : ''}: retry later with the same parameters (and query before creating anything new).`
      : 'WeChat Pay refused the request: read the code and message, and quote the Request-ID to WeChat Pay support.');
  const what = exceedsRefundable(body) ? ': the refund exceeds what remains refundable' : '';
  return new WxpayError('WECHATPAY_ERROR', `WeChat Pay rejected the request (HTTP ${status} ${body.code}${what})`, {
    hint,
    ...(requestId ? { requestId } : {}),
    wechatpay: {
      status,
      code: body.code,
      message: body.message,
      ...(body.detail !== undefined ? { detail: body.detail } : {}),
    },
    ...(attempts > 1 ? { details: { attempts } } : {}),
  });
}

export function networkError(err: unknown, url: string, attempts: number): WxpayError {
  const attemptsNote = attempts > 1 ? ` (after ${attempts} attempts)` : '';
  if (isTimeoutError(err)) {
    return new WxpayError('TIMEOUT', `Timed out talking to ${url}${attemptsNote}`, {
      cause: err,
      hint: 'Check the network path to the API (proxy, firewall) or raise the timeout. A write may still have been applied: query before retrying it with new numbers.',
      details: { url, attempts },
    });
  }
  const reason = err instanceof Error ? err.message : String(err);
  return new WxpayError('NETWORK', `Network error talking to ${url}: ${reason}${attemptsNote}`, {
    cause: err,
    hint: isConnectError(err)
      ? 'Could not connect: check the base URL (--base-url / baseUrl), DNS and the firewall.'
      : 'The connection failed mid-request; query before retrying a write with new numbers.',
    details: { url, attempts },
  });
}
