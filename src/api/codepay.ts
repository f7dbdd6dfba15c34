// docs/protocol.md §18: payment code (付款码支付). The cashier scans the payer's code and submits it; WeChat Pay
// answers the paid transaction, or "USERPAYING" while the payer still enters a password. Reverse (撤销) cancels an
// order: an unpaid one is closed, a paid one refunded. The request bodies and the reading of their answers live
// here; the waiting (poll, time out, reverse) is in codepay-flow.ts.
import { isIP } from 'node:net';
import type { WxpayClient } from '../http/client.js';
import { ENDPOINTS, fillPath } from '../protocol/endpoints.js';
import { WxpayError, isWxpayError } from '../protocol/errors.js';
import { AUTH_CODE, isOutTradeNo } from '../protocol/ids.js';
import type { Transaction } from './transactions.js';

export interface CodepayInput {
  appid: string;
  outTradeNo: string;
  /** The 18 digits the scanner read. */
  authCode: string;
  /** Integer fen. */
  total: number;
  description: string;
  /** scene_info.device_ip: the cash register's IP (the merchant's, not the payer's). */
  deviceIp: string;
  deviceId?: string | undefined;
  /** store_info.out_id: the merchant's own store code (store_info.id is WeChat Pay's store number). */
  storeId?: string | undefined;
  attach?: string | undefined;
}

const usage = (message: string, hint: string) => new WxpayError('USAGE', message, { hint });

/** The rules WeChat Pay would refuse, checked before the one-minute code is spent on a refused request. */
export function checkCodepayInput(input: CodepayInput): void {
  if (!AUTH_CODE.test(input.authCode))
    throw usage(
      'The payment code must be 18 digits starting 10 to 15',
      "Scan the payer's 付款码 again: codes refresh every minute and one is used only once (e.g. 134567890123456789).",
    );
  if (!Number.isSafeInteger(input.total) || input.total < 1)
    throw usage(`The amount ${String(input.total)} must be a whole number of fen, at least 1`, 'e.g. --amount 100');
  if (!isOutTradeNo(input.outTradeNo))
    throw usage('out_trade_no must be 6-32 characters of [0-9A-Za-z_-|*]', 'e.g. --out-trade-no POS20260101001');
  if (!input.description) throw usage('The description must not be empty', 'e.g. --description "Store 12 till 3"');
  if (!isIP(input.deviceIp))
    throw usage(
      `device_ip "${input.deviceIp}" is not an IP address`,
      "The till's IPv4 or IPv6, e.g. --device-ip 192.0.2.10",
    );
}

export function codepayBody(client: Pick<WxpayClient, 'merchant'>, input: CodepayInput): Record<string, unknown> {
  const storeInfo = input.storeId ? { store_info: { out_id: input.storeId } } : {};
  return {
    appid: input.appid,
    mchid: client.merchant.mchid,
    description: input.description,
    out_trade_no: input.outTradeNo,
    ...(input.attach ? { attach: input.attach } : {}),
    payer: { auth_code: input.authCode },
    amount: { total: input.total, currency: 'CNY' },
    scene_info: {
      ...(input.deviceId ? { device_id: input.deviceId } : {}),
      device_ip: input.deviceIp,
      ...storeInfo,
    },
  };
}

/**
 * Not retried by the client: a 202 or 5xx here means "ask the order query", not "send again at once". The flow
 * resends the very same body (same out_trade_no, same code) only when the query says the order does not exist.
 */
export const codepayRequest = (client: Pick<WxpayClient, 'merchant'>, input: CodepayInput) =>
  ({ method: 'POST', path: ENDPOINTS.codepay, body: codepayBody(client, input) }) as const;

/** What a submit (or a query) says about the money. */
export type CodepayState =
  | { kind: 'paid'; transaction: Transaction }
  | { kind: 'paying' }
  /** The answer was lost or WeChat Pay had a system error: only the order query can tell. */
  | { kind: 'unknown'; reason: string }
  /** A final state without money taken: PAYERROR, CLOSED, REVOKED (or REFUND: taken and given back). */
  | { kind: 'failed'; transaction: Transaction };

const PAYING_CODES = new Set(['USERPAYING']);
const UNKNOWN_CODES = new Set(['SYSTEM_ERROR', 'SYSTEMERROR', 'BANK_ERROR', 'BANKERROR', 'FREQUENCY_LIMITED']);

/** Reads a transaction's trade_state. NOTPAY counts as paying: the payer may still confirm until the timeout. */
export function stateOf(transaction: Transaction): CodepayState {
  switch (transaction.trade_state) {
    case 'SUCCESS':
      return { kind: 'paid', transaction };
    case 'USERPAYING':
    case 'NOTPAY':
      return { kind: 'paying' };
    default:
      return { kind: 'failed', transaction };
  }
}

/**
 * A submit's answer. USERPAYING is read however it comes: a 2xx (the sandbox answers 202 {code:"USERPAYING"}), an
 * error status with that code, or trade_state USERPAYING, since the sources disagree (docs/protocol.md §18).
 */
export async function submitCodepay(client: WxpayClient, input: CodepayInput): Promise<CodepayState> {
  try {
    const res = await client.request(codepayRequest(client, input));
    const data = (res.data ?? {}) as Partial<Transaction> & { code?: string };
    if (res.status === 202 || (data.code !== undefined && PAYING_CODES.has(data.code))) return { kind: 'paying' };
    if (typeof data.trade_state === 'string') return stateOf(data as Transaction);
    return { kind: 'unknown', reason: `HTTP ${res.status} without a trade_state` };
  } catch (err) {
    const unsure = transientReason(err);
    if (unsure === 'USERPAYING') return { kind: 'paying' };
    if (unsure !== undefined) return { kind: 'unknown', reason: unsure };
    throw err; // a definite refusal (bad code, balance, limits): nothing was charged
  }
}

/** Why an error leaves the outcome open, or undefined for a definite answer. */
export function transientReason(err: unknown): string | undefined {
  if (!isWxpayError(err)) return undefined;
  if (err.code === 'NETWORK' || err.code === 'TIMEOUT') return err.code;
  const w = err.wechatpay;
  if (err.code !== 'WECHATPAY_ERROR' || !w) return undefined;
  if (PAYING_CODES.has(w.code)) return 'USERPAYING';
  if (UNKNOWN_CODES.has(w.code) || w.status >= 500 || w.status === 429) return w.code;
  return undefined;
}

export const reverseRequest = (client: Pick<WxpayClient, 'merchant'>, appid: string, outTradeNo: string) =>
  ({
    method: 'POST',
    path: fillPath(ENDPOINTS.reverseOrder, { out_trade_no: outTradeNo }),
    body: { appid, mchid: client.merchant.mchid },
    // Reversing is idempotent on WeChat Pay's side: a reversed order stays reversed.
    idempotent: true,
  }) as const;

/**
 * POST …/out-trade-no/{no}/reverse. The v3 page shows no answer body (the overseas reverse answers 204); v2 had
 * `recall` (Y: call reverse again). Any body is returned as is, so a `recall` is seen if one comes.
 */
export async function reverseOrder(
  client: WxpayClient,
  appid: string,
  outTradeNo: string,
): Promise<Record<string, unknown>> {
  const res = await client.request(reverseRequest(client, appid, outTradeNo));
  return res.data && typeof res.data === 'object' ? (res.data as Record<string, unknown>) : {};
}
