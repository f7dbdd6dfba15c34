// What the complaint commands share: the deadline a complaint is under, the rows `complaint show` prints, the phone
// mask of --redact, and the day arguments of `complaint list` (China time, as WeChat Pay dates complaints).
import { COMPLETE_WITHIN_MS, REPLY_WITHIN_MS, type Complaint, type NegotiationEntry } from '../api/complaints.js';
import { chinaClock } from '../bills/dates.js';
import { chinaDate } from '../protocol/china-time.js';
import { WxpayError } from '../protocol/errors.js';

export interface Deadline {
  /** reply: the first answer is due; complete: the handling is due. */
  due: 'reply' | 'complete';
  at: number;
}

/** WeChat Pay's merchant rules: a first reply within 24 h, handled within 72 h; none once PROCESSED. */
export function deadlineOf(c: Complaint): Deadline | undefined {
  const at = Date.parse(c.complaint_time);
  if (c.complaint_state === 'PENDING') return { due: 'reply', at: at + REPLY_WITHIN_MS };
  if (c.complaint_state === 'PROCESSING') return { due: 'complete', at: at + COMPLETE_WITHIN_MS };
  return undefined;
}

export function describeDeadline(d: Deadline | undefined, now: number): string {
  if (!d) return '-';
  const late = d.at < now ? ', OVERDUE' : '';
  return `${d.due} by ${chinaClock(d.at)}${late}`;
}

/** 13800138000 -> 138****8000: enough to recognise a caller, not to call. */
export function maskPhone(phone: string): string {
  if (phone.length < 7) return '*'.repeat(phone.length);
  return `${phone.slice(0, 3)}${'*'.repeat(phone.length - 7)}${phone.slice(-4)}`;
}

export function complaintRows(c: Complaint, phone: string | undefined, now: number): Array<[string, string]> {
  const rows: Array<[string, string]> = [
    ['state', String(c.complaint_state)],
    ['complaint_id', c.complaint_id],
    ['complaint_time', c.complaint_time],
    ['deadline', describeDeadline(deadlineOf(c), now)],
    ['detail', c.complaint_detail],
    ['problem', `${c.problem_description}${c.problem_type ? ` (${c.problem_type})` : ''}`],
  ];
  if (c.apply_refund_amount !== undefined) rows.push(['refund asked', `${c.apply_refund_amount} fen`]);
  for (const o of c.complaint_order_info ?? [])
    rows.push(['order', `${o.out_trade_no} (${o.transaction_id}), ${o.amount} fen`]);
  if (phone !== undefined) rows.push(['payer_phone', phone]);
  if (c.payer_openid) rows.push(['payer_openid', c.payer_openid]);
  rows.push(['user waiting', c.incoming_user_response ? 'yes: a user message has no reply yet' : 'no']);
  for (const m of c.complaint_media_list ?? []) for (const u of m.media_url) rows.push([m.media_type, u]);
  return rows;
}

export function historyLine(h: NegotiationEntry): string {
  const images = h.image_list?.length ? `  [${h.image_list.length} image(s): ${h.image_list.join(' ')}]` : '';
  return `${h.operate_time}  ${h.operator}  ${h.operate_type}  ${h.operate_details ?? ''}${images}`;
}

const DAY_MS = 24 * 3600_000;

/** YYYY-MM-DD, `today`, `yesterday` or `-<n>d` (n days ago), as a China-time date. */
export function parseDay(value: string, flag: string, now: number): string {
  if (value === 'today') return chinaDate(now);
  if (value === 'yesterday') return chinaDate(now - DAY_MS);
  const ago = /^-(\d{1,4})d$/.exec(value);
  if (ago) return chinaDate(now - Number(ago[1]) * DAY_MS);
  if (/^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value))) return value;
  throw new WxpayError('USAGE', `${flag} must be YYYY-MM-DD, today, yesterday or -<n>d, got "${value}"`, {
    hint: `e.g. ${flag} -7d`,
  });
}
