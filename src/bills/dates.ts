// docs/protocol.md §5 "Bills" timing: day D's bill (China time, UTC+8) is generated from 09:00 on D+1, can be fetched
// after 10:00, and is kept for 3 months; STATEMENT_CREATING means retry in about 30 minutes. This turns those
// rules into usage errors before any request, and into explanations of WeChat Pay's two bill errors.
import { WxpayError } from '../protocol/errors.js';
import { chinaDate, chinaDateTime, chinaDayStart } from '../protocol/china-time.js';

const HOUR_MS = 3600_000;
/** How long to wait after STATEMENT_CREATING (the doc: retry every 30 minutes). */
export const STATEMENT_RETRY_MS = 30 * 60_000;

/** "YYYY-MM-DD HH:mm (China time)", for messages. */
export const chinaClock = (ms: number): string => `${chinaDateTime(ms).slice(0, 16)} (China time)`;

/** When day D's bill can be fetched: 10:00 China time on D+1. */
export const billReadyAt = (date: string): number => chinaDayStart(date) + 24 * HOUR_MS + 10 * HOUR_MS;

/** The first day still kept on `now`: 3 calendar months back. */
export function oldestKeptDay(now: number): string {
  const d = new Date(`${chinaDate(now)}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() - 3);
  return d.toISOString().slice(0, 10);
}

const RULE = 'The bill for day D appears after 10:00 (China time) on D+1 and is kept for 3 months.';

/**
 * The bill day: YYYY-MM-DD, or `yesterday` / `today` in China time (so a script or the README never goes stale).
 * A usage error (exit 2) for a malformed date or a day that has not begun yet in China.
 */
export function checkBillDate(value: string, now: number): string {
  const date = value === 'today' ? chinaDate(now) : value === 'yesterday' ? chinaDate(now - 24 * HOUR_MS) : value;
  const valid =
    /^\d{4}-\d{2}-\d{2}$/.test(date) &&
    !Number.isNaN(Date.parse(`${date}T00:00:00Z`)) &&
    new Date(`${date}T00:00:00Z`).toISOString().startsWith(date);
  if (!valid)
    throw new WxpayError('USAGE', `--date "${date}" is not a date in the form YYYY-MM-DD`, {
      hint: `e.g. --date ${chinaDate(now - 24 * HOUR_MS)}, or --date yesterday. ${RULE}`,
    });
  const today = chinaDate(now);
  if (date > today) {
    throw new WxpayError('USAGE', `--date ${date} is in the future (today is ${today} in China time)`, {
      hint: `${RULE} So the bill for ${date} can be fetched from ${chinaClock(billReadyAt(date))}.`,
    });
  }
  return date;
}

/** Rewrites NO_STATEMENT_EXIST / STATEMENT_CREATING with what to do; other errors pass through. */
export function explainBillError(err: unknown, date: string, now: number): unknown {
  if (!(err instanceof WxpayError) || !err.wechatpay) return err;
  const code = err.wechatpay.code;
  const base = { ...(err.requestId ? { requestId: err.requestId } : {}), wechatpay: err.wechatpay, cause: err };
  if (code === 'NO_STATEMENT_EXIST') {
    const ready = billReadyAt(date);
    const oldest = oldestKeptDay(now);
    const why =
      now < ready
        ? `It is not ready yet: try again after ${chinaClock(ready)}.`
        : date < oldest
          ? `${date} is older than 3 months (the oldest day kept is ${oldest}): WeChat Pay no longer has it; use your own archive.`
          : 'It should exist by now, so that day (or that account) probably had no transactions; check the date, --type/--account and the profile (mchid).';
    return new WxpayError('WECHATPAY_ERROR', `No bill for ${date} (NO_STATEMENT_EXIST: ${err.wechatpay.message})`, {
      ...base,
      hint: `${RULE} ${why}`,
      details: { billDate: date, readyAt: new Date(ready).toISOString(), oldestKept: oldest },
    });
  }
  if (code === 'STATEMENT_CREATING') {
    // Also the answer for today and for D+1 before 10:00 (the bill FAQ): then the retry is at 10:00 on D+1.
    const ready = billReadyAt(date);
    const retry = Math.max(now + STATEMENT_RETRY_MS, ready);
    const when = retry > now + STATEMENT_RETRY_MS ? 'after 10:00 the next day' : 'in 30 minutes';
    return new WxpayError('WECHATPAY_ERROR', `The bill for ${date} is still being generated (STATEMENT_CREATING)`, {
      ...base,
      hint: `Try again ${when}, after ${chinaClock(retry)}. ${RULE}`,
      details: { billDate: date, retryAfter: new Date(retry).toISOString() },
    });
  }
  return err;
}
