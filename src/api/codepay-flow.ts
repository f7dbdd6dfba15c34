// docs/protocol.md §18: taking a payment-code payment to an end. Submit once; while the payer enters a password
// (USERPAYING) or the answer was lost, ask the order query every 5 s; at the timeout, or when the cashier cancels,
// reverse the order so no payment can complete behind the cashier's back. A lost answer is never sent again with a
// new out_trade_no: the same body is resent only when the query says the order does not exist, so one sale can
// never charge twice. Time comes from the caller (now, sleep), so tests run it on fake time.
import type { WxpayClient } from '../http/client.js';
import { WxpayError, isWxpayError } from '../protocol/errors.js';
import {
  reverseOrder,
  stateOf,
  submitCodepay,
  transientReason,
  type CodepayInput,
  type CodepayState,
} from './codepay.js';
import { queryOrder, type Transaction } from './transactions.js';

/** The v2 micropay guide's rhythm, which the v3 page refers to: wait 5 s after USERPAYING, then query. */
export const POLL_INTERVAL_MS = 5_000;
/** Reverse attempts when WeChat Pay answers USERPAYING or a system error to the reverse itself. */
export const REVERSE_ATTEMPTS = 3;

export interface FlowClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export interface FlowOptions extends FlowClock {
  timeoutMs: number;
  intervalMs?: number;
  /** Aborted when the cashier cancels (Ctrl-C): the order is reversed at once. */
  signal?: AbortSignal;
  /** Progress: the state after the submit and after each query. */
  onState?(state: string, elapsedMs: number): void;
}

/** Why an order was reversed; `requested` is `wxpay pay reverse` by hand. */
export type ReverseReason = 'timeout' | 'cancelled' | 'payerror' | 'requested';

export type FlowResult =
  | { outcome: 'paid'; transaction: Transaction }
  /** Ended without money kept (CLOSED, REVOKED, REFUND): nothing to undo. */
  | { outcome: 'failed'; transaction: Transaction }
  | { outcome: 'reversed'; reason: ReverseReason; answer: Record<string, unknown>; transaction?: Transaction };

const label = (s: CodepayState): string =>
  s.kind === 'paid' || s.kind === 'failed' ? s.transaction.trade_state : s.kind === 'paying' ? 'USERPAYING' : 'UNKNOWN';

export async function collectPayment(client: WxpayClient, input: CodepayInput, opts: FlowOptions): Promise<FlowResult> {
  const start = opts.now();
  const interval = opts.intervalMs ?? POLL_INTERVAL_MS;
  const reverse = (reason: ReverseReason) => reverseAndRead(client, input.appid, input.outTradeNo, reason, opts);
  let state = await submitCodepay(client, input);
  // A system error or a lost answer: the guide says query at once, not after the payer's 5 s.
  let waitMs = state.kind === 'unknown' ? 0 : interval;
  for (;;) {
    opts.onState?.(label(state), opts.now() - start);
    if (state.kind === 'paid') return { outcome: 'paid', transaction: state.transaction };
    if (state.kind === 'failed')
      return state.transaction.trade_state === 'PAYERROR'
        ? reverse('payerror')
        : { outcome: 'failed', transaction: state.transaction };
    const left = start + opts.timeoutMs - opts.now();
    if (opts.signal?.aborted) return reverse('cancelled');
    if (left <= 0) return reverse('timeout');
    if (await waitOrCancel(opts, Math.min(waitMs, left))) return reverse('cancelled');
    waitMs = interval;
    state = await poll(client, input);
  }
}

/** True when the wait ended because the cashier cancelled. */
async function waitOrCancel(opts: FlowOptions, ms: number): Promise<boolean> {
  const { signal } = opts;
  if (!signal) {
    await opts.sleep(ms);
    return false;
  }
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<true>((resolve) => {
    onAbort = () => {
      resolve(true);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([opts.sleep(ms).then(() => signal.aborted), aborted]);
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}

/** One look at the order. ORDER_NOT_EXIST after a lost submit means it never arrived: send the same body again. */
async function poll(client: WxpayClient, input: CodepayInput): Promise<CodepayState> {
  try {
    return stateOf(await queryOrder(client, { outTradeNo: input.outTradeNo }));
  } catch (err) {
    if (isWxpayError(err) && err.wechatpay?.code === 'ORDER_NOT_EXIST') return submitCodepay(client, input);
    return { kind: 'unknown', reason: transientReason(err) ?? (err as Error).message };
  }
}

const recallAsked = (answer: Record<string, unknown>): boolean => answer.recall === true || answer.recall === 'Y';

/**
 * Reverses, retrying (after the poll interval) what may pass later: USERPAYING, a system error, a lost answer, or
 * an answer asking to call again (`recall`). Then reads the order, so the caller can say what became of it.
 */
export async function reverseAndRead(
  client: WxpayClient,
  appid: string,
  outTradeNo: string,
  reason: ReverseReason,
  clock: FlowClock & { intervalMs?: number },
): Promise<Extract<FlowResult, { outcome: 'reversed' }>> {
  const answer = await reverseWithRetries(client, appid, outTradeNo, clock);
  const transaction = await queryOrder(client, { outTradeNo }).catch(() => undefined);
  return { outcome: 'reversed', reason, answer, ...(transaction ? { transaction } : {}) };
}

async function reverseWithRetries(
  client: WxpayClient,
  appid: string,
  outTradeNo: string,
  clock: FlowClock & { intervalMs?: number },
): Promise<Record<string, unknown>> {
  for (let attempt = 1; ; attempt++) {
    try {
      const answer = await reverseOrder(client, appid, outTradeNo);
      if (!recallAsked(answer) || attempt >= REVERSE_ATTEMPTS) return answer;
    } catch (err) {
      if (transientReason(err) === undefined || attempt >= REVERSE_ATTEMPTS) throw unresolved(outTradeNo, err);
    }
    await clock.sleep(clock.intervalMs ?? POLL_INTERVAL_MS);
  }
}

function unresolved(outTradeNo: string, cause: unknown): WxpayError {
  const w = isWxpayError(cause) ? cause : undefined;
  return new WxpayError('CODEPAY_UNRESOLVED', `Could not reverse ${outTradeNo}: ${(cause as Error).message}`, {
    hint: `The payment may still complete. Run \`wxpay pay reverse --out-trade-no ${outTradeNo}\` until it succeeds, then \`wxpay query ${outTradeNo}\`; never take the same sale again under a new out_trade_no before that.`,
    cause,
    ...(w?.wechatpay ? { wechatpay: w.wechatpay } : {}),
    ...(w?.requestId ? { requestId: w.requestId } : {}),
    details: { out_trade_no: outTradeNo },
  });
}
