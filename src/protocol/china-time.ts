// docs/protocol.md §1 "Body rules": WeChat Pay writes every time in China time (UTC+8, no daylight saving), as
// RFC 3339 with `+08:00` in JSON, as `YYYY-MM-DD HH:mm:ss` in bills, and as digits inside its ids. Bills are per
// China-time day (docs/protocol.md §5). Every such format is written here once.

const OFFSET_MS = 8 * 3_600_000;

/** The instant's China wall clock, as an ISO string whose "Z" is not true: slice it, never parse it back. */
const wallClock = (ms: number): string => new Date(ms + OFFSET_MS).toISOString();

/** `2018-06-08T10:34:56+08:00`: RFC 3339 in China time, WeChat Pay's form for times in JSON. */
export const chinaRfc3339 = (ms: number): string => `${wallClock(ms).slice(0, 19)}+08:00`;

/** `2018-06-08`: the China-time day of an instant (bill days). */
export const chinaDate = (ms: number): string => wallClock(ms).slice(0, 10);

/** `2018-06-08 10:34:56`: the time columns of bills. */
export const chinaDateTime = (ms: number): string => wallClock(ms).slice(0, 19).replace('T', ' ');

/** `20180608103456`: the digits WeChat Pay puts inside prepay, transaction and refund ids. */
export const chinaDigits = (ms: number): string => wallClock(ms).slice(0, 19).replace(/[-:T]/g, '');

/** The instant a China-time day (`YYYY-MM-DD`) begins. */
export const chinaDayStart = (date: string): number => Date.parse(`${date}T00:00:00Z`) - OFFSET_MS;

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const BILL_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

/**
 * A time a user or a bill gives, as epoch ms (NaN when it is none): `YYYY-MM-DD` is the start of that China-time day
 * (an operator's "since the 1st" means China's 1st, not UTC's, which begins 8 hours later), and so are `today` and
 * `yesterday` when `now` is given; `YYYY-MM-DD HH:mm:ss` is a bill's China wall clock; anything else must be RFC 3339
 * with its own offset.
 */
export function parseChinaTime(value: string, now?: number): number {
  if (now !== undefined && (value === 'today' || value === 'yesterday'))
    return chinaDayStart(chinaDate(value === 'today' ? now : now - 24 * 3_600_000));
  if (DATE_ONLY.test(value)) {
    const ms = chinaDayStart(value);
    return !Number.isNaN(ms) && chinaDate(ms) === value ? ms : Number.NaN;
  }
  if (BILL_TIME.test(value)) return Date.parse(`${value.replace(' ', 'T')}Z`) - OFFSET_MS;
  return /(Z|[+-]\d{2}:\d{2})$/.test(value) ? Date.parse(value) : Number.NaN;
}
